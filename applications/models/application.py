from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from calls.models import Call, Challenge, Participation


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one answer to "which applications may this user see?".

        Metropolis admins: every submitted or withdrawn application (never a
        draft); commune staff: submitted ones targeting one of their communes;
        candidates: every application of their organisations.
        """
        from accounts.roles import roles_of

        roles = roles_of(user)
        if not roles.is_authenticated:
            return self.none()
        own = Q(organisation__memberships__user=user)
        if roles.is_metropolis_admin:
            return self.filter(own | ~Q(state=Application.State.DRAFT)).distinct()
        if roles.is_commune_staff:
            staff = Q(state=Application.State.SUBMITTED) & Q(
                targets__participation__commune_id__in=roles.staff_communes,
                targets__withdrawn_at__isnull=True,
            )
            return self.filter(own | staff).distinct()
        return self.filter(own).distinct()

    def of_member(self, user):
        return self.filter(organisation__memberships__user=user)

    def submitted(self):
        return self.filter(state=Application.State.SUBMITTED)

    def update(self, **kwargs):
        """A change of state or reference by a bulk update carries over to the targets'
        copies of them, as Application.save() does."""
        if not {"state", "reference"} & set(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            ids = list(self.select_for_update().values_list("pk", flat=True))
            count = super().update(**kwargs)
            copy_to_targets(ids)
        return count


class Application(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("déposée")
        WITHDRAWN = "withdrawn", _("retirée")

    class Maturity(models.TextChoices):
        IDEA = "idea", _("idée")
        PROTOTYPE = "prototype", _("prototype")
        PILOT = "pilot", _("déjà expérimenté")
        MARKET = "market", _("sur le marché")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        "applications.Organisation", on_delete=models.PROTECT, related_name="applications"
    )
    reference = models.CharField(
        _("référence"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    state = models.CharField(
        _("état"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    challenges = models.ManyToManyField(Challenge, blank=True, related_name="applications")

    # The project.
    title = models.CharField(_("titre du projet"), max_length=200, blank=True)
    summary = models.TextField(_("résumé"), max_length=500, blank=True)
    solution = models.TextField(_("la solution"), blank=True)
    novelty = models.TextField(_("ce qui est nouveau"), blank=True)
    maturity = models.CharField(_("maturité"), max_length=12, choices=Maturity.choices, blank=True)
    # Impact and team.
    impact = models.TextField(_("impact attendu"), blank=True)
    impact_measurement = models.TextField(_("comment l'impact sera mesuré"), blank=True)
    team = models.TextField(_("l'équipe"), blank=True)
    # Budget.
    budget_cost = models.PositiveIntegerField(
        _("coût de l'expérimentation (€)"), null=True, blank=True
    )
    budget_funding = models.TextField(_("financement"), blank=True)
    budget_ask = models.TextField(_("ce qui est demandé à la commune"), blank=True)
    # Acceptances.
    accepted_rules_at = models.DateTimeField(null=True, blank=True)
    accepted_privacy_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Incremented on every save of the content: two members editing the
    # same draft are told when the other one saved in between.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    # Set when the retention period ended: organisation, people, texts and files removed.
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"], name="one_application_per_call_and_organisation"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(reference__isnull=False, submitted_at__isnull=False),
                name="submitted_application_has_reference",
            ),
        ]
        indexes = [
            # Every staff list joins its rows to the submitted applications: with
            # this index PostgreSQL reads their ids, and the dashboard's default sort
            # key and organisation, from the index (an index-only scan) instead of
            # reading every application, drafts included. ``include`` is ignored by
            # SQLite.
            models.Index(
                fields=["id"],
                include=["reference", "organisation"],
                condition=Q(state="submitted"),
                name="application_submitted_cover",
            ),
            # The dashboard's sort by title walks this index to the page's rows.
            models.Index(fields=["title"], name="application_title_idx"),
        ]

    def __str__(self):
        return f"{self.reference or _('brouillon')} – {self.title or self.organisation}"

    def save(self, *args, **kwargs):
        state = self.__dict__.get("state")
        if state is None or state == getattr(self, "_stored_state", None):
            return super().save(*args, **kwargs)
        # The state changed (and with a submission, the reference): each target's
        # copies of them change in the same transaction.
        with transaction.atomic():
            super().save(*args, **kwargs)
            copy_to_targets([self.pk])
        self._stored_state = state

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_state = instance.__dict__.get("state")
        return instance

    @property
    def is_draft(self):
        return self.state == self.State.DRAFT

    @property
    def is_submitted(self):
        return self.state == self.State.SUBMITTED

    @property
    def decisions_published(self):
        """The one rule for the communes' decisions leaving their teams (candidate pages,
        "Mes données", laureates, open data): the call's results are published and the
        application stands (submitted). ``ApplicationTarget.objects.decisions_published()``
        is the same rule for the database."""
        return self.is_submitted and self.call.results_published


def copy_to_targets(application_ids):
    """Write each target's copies of its application's state and reference
    (ApplicationTarget.submitted, application_reference), unticked targets included."""
    own = Application.objects.filter(pk=OuterRef("application_id"))
    ApplicationTarget.with_withdrawn.filter(application_id__in=application_ids).update(
        submitted=Exists(own.filter(state=Application.State.SUBMITTED)),
        application_reference=Subquery(own.values("reference")),
    )


# ``Application.decisions_published`` for the database, on any model with an
# ``application`` foreign key (communes' rows, pilots).
DECISIONS_PUBLISHED = Q(
    application__state=Application.State.SUBMITTED,
    application__call__results_published_at__isnull=False,
)


# The rows commune staff work on: submitted applications' targets, not unticked.
STAFF_ROWS = Q(submitted=True, withdrawn_at__isnull=True)


class TargetQuerySet(models.QuerySet):
    def decisions_published(self):
        """Rows whose decision may leave the commune's team."""
        return self.filter(DECISIONS_PUBLISHED)


class TargetManager(models.Manager.from_queryset(TargetQuerySet)):
    """Targeted communes; a commune the candidate unticked after its team had started
    is kept (withdrawn) with the team's work, out of every list, until re-ticked."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class ApplicationTarget(models.Model):
    """An application as seen by one targeted commune: experiment, screening, decision."""

    class Eligibility(models.TextChoices):
        PENDING = "pending", _("à examiner")
        ELIGIBLE = "eligible", _("éligible")
        INELIGIBLE = "ineligible", _("non éligible")

    class Decision(models.TextChoices):
        NONE = "", _("pas de décision")
        SELECTED = "selected", _("retenue")
        WAITING = "waiting", _("liste d'attente")
        NOT_SELECTED = "not_selected", _("non retenue")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="targets")
    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="targets"
    )
    # The experiment proposed to this commune.
    experiment_what = models.TextField(_("ce qui sera testé"), blank=True)
    experiment_where = models.TextField(_("où dans le quartier"), blank=True)
    experiment_duration_months = models.PositiveSmallIntegerField(
        _("durée (mois)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(18)],
    )
    experiment_ask = models.TextField(_("ce qui est demandé à la commune"), blank=True)
    experiment_users = models.TextField(_("les usagers concernés"), blank=True)
    # Screening by the commune's managers.
    eligibility = models.CharField(
        _("éligibilité"), max_length=12, choices=Eligibility.choices, default=Eligibility.PENDING
    )
    eligibility_reason = models.TextField(_("motif"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)
    # Decision by the commune's managers, internal until results are published.
    decision = models.CharField(
        _("décision"), max_length=16, choices=Decision.choices, default="", blank=True
    )
    decision_motivation = models.TextField(_("motivation"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # A selected target holds one of the participation's numbered seats:
    # the unique constraint makes a double allocation impossible.
    selection_slot = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # Set when the candidate unticks a commune whose team already worked on the
    # application: the screening, reviews and notes stay, and come back with it.
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Maintained by applications.services.scores in the transaction of every change to
    # a review, a conflict or a criterion weight: the dashboard sorts on them instead
    # of recomputing every row's score at each request.
    score = models.FloatField(_("note pondérée"), null=True, blank=True, editable=False)
    review_count = models.PositiveIntegerField(_("évaluations soumises"), default=0, editable=False)
    # Copies of ``application.state == "submitted"`` and of ``application.reference``,
    # kept by Application.save() and ApplicationQuerySet.update(): every staff list
    # filters on the first and breaks ties on the second, and reading them here spares
    # a join of the commune's rows to the applications (43,000 rows at 100,000
    # applications; bench/RESULTS.md).
    submitted = models.BooleanField(default=False, db_default=False, editable=False)
    application_reference = models.CharField(max_length=20, null=True, editable=False)
    # Audit log: screenings and decisions (who, when, what changed).
    # The full-text search document of this row: the application's text, its
    # organisation, this commune's challenges and the experiment proposed to this
    # commune only (never another commune's), kept by applications.services.search
    # at submission and at every recorded change. ``search_text`` is indexed on
    # PostgreSQL (GIN over a French, accent-insensitive tsvector); ``search_folded``
    # (lower case, no accents) serves the simple fallback on other databases.
    # (Nullable so that adding them never rebuilds the table on SQLite.)
    search_text = models.TextField(null=True, blank=True, editable=False)
    search_folded = models.TextField(null=True, blank=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=[
            "score",
            "review_count",
            "submitted",
            "application_reference",
            "search_text",
            "search_folded",
        ]
    )

    with_withdrawn = models.Manager()
    objects = TargetManager()

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("commune ciblée")
        verbose_name_plural = _("communes ciblées")
        ordering = ["participation__commune__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "participation"], name="one_target_per_commune"
            ),
            models.UniqueConstraint(
                fields=["participation", "selection_slot"], name="one_application_per_slot"
            ),
            models.CheckConstraint(
                # isnull=False too: a NULL slot would make the check unknown, i.e. pass.
                condition=(
                    Q(decision="selected")
                    & Q(selection_slot__isnull=False)
                    & Q(selection_slot__gte=1)
                )
                | (~Q(decision="selected") & Q(selection_slot__isnull=True)),
                name="selected_iff_slot",
            ),
        ]
        # The team dashboard: one commune's submitted rows in each order it offers
        # (partial indexes: the drafts' rows are left out).
        indexes = [
            models.Index(fields=["participation", *fields], condition=STAFF_ROWS, name=name)
            for name, fields in [
                ("target_dashboard_reviews_idx", ["review_count", "application_reference"]),
                ("target_dashboard_decision_idx", ["decision", "application_reference"]),
                ("target_dashboard_elig_idx", ["eligibility"]),
                ("target_dashboard_ref_idx", ["application_reference"]),
            ]
        ] + [
            # The columns the dashboard's totals and rank counts read: PostgreSQL
            # answers them from the index alone (an index-only scan) instead of
            # reading the commune's wide rows, and counts the rows above a score
            # over that range only. ``include`` is ignored by SQLite.
            models.Index(
                fields=["participation", "score"],
                include=[
                    *["id", "application", "application_reference", "review_count"],
                    *["eligibility", "decision"],
                ],
                condition=STAFF_ROWS,
                name="target_staff_cover",
            )
        ]

    def __str__(self):
        return f"{self.application} → {self.participation.commune}"

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.submitted = self.application.state == Application.State.SUBMITTED
            self.application_reference = self.application.reference
        super().save(*args, **kwargs)

    @property
    def published_decision(self):
        """The decision as the candidate and the public read it: None before publication;
        a row without a decision at publication reads as not selected."""
        if not self.application.decisions_published:
            return None
        return self.decision or self.Decision.NOT_SELECTED


def attachment_upload_to(instance, filename):
    # The stored name carries no user input but the sanitised extension.
    import uuid

    return f"applications/{instance.application_id}/{uuid.uuid4().hex}{_suffix(filename)}"


def _suffix(filename):
    import os

    ext = os.path.splitext(filename)[1].lower()
    return ext if ext in {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx"} else ""


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PITCH_DECK = "pitch_deck", _("présentation (pitch deck)")
        OTHER = "other", _("autre document")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    # The document of the call this file provides (a Kbis, a budget...), if any.
    document_type = models.ForeignKey(
        "calls.DocumentType",
        verbose_name=_("pièce demandée"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["kind", "uploaded_at"]

    def __str__(self):
        return self.original_name

    @property
    def label(self):
        """What the file is: the call's document it provides, or its kind."""
        if self.document_type_id:
            return self.document_type.name
        return self.get_kind_display()


class ApplicationRevision(models.Model):
    """A snapshot of an application's content at submission or at a later change."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("révision")
        verbose_name_plural = _("révisions")
        ordering = ["application", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="unique_revision_number")
        ]

    def __str__(self):
        return f"{self.application} v{self.number}"
