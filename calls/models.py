from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune

DEFAULT_REMINDER_OFFSETS_HOURS = [7 * 24, 24, 3]


def default_reminder_offsets():
    return list(DEFAULT_REMINDER_OFFSETS_HOURS)


DEFAULT_CRITERIA = [
    (_("Innovation"), 1),
    (_("Pertinence au regard des défis de la commune"), 1),
    (_("Faisabilité"), 1),
    (_("Impact, pérennité et réplicabilité"), 1),
    (_("Équipe"), 1),
]


class Edition(models.Model):
    number = models.PositiveSmallIntegerField(_("numéro"), unique=True)
    code = models.CharField(_("code"), max_length=16, unique=True, help_text=_("Ex. QMI2"))
    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant d'URL"), max_length=60, unique=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    # Last number handed out for an application reference (QMI2-0042);
    # incremented under a row lock, so a reference is never reused.
    last_application_number = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("édition")
        verbose_name_plural = _("éditions")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="edition_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.code} – {self.name}"

    def get_absolute_url(self):
        return reverse("calls:edition_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            from django.utils.formats import date_format

            raise ValidationError(
                {
                    "ends_on": _(
                        "La fin (%(end)s) précède le début de l'édition (%(start)s) : "
                        "indiquez une date de fin le %(start)s ou après."
                    )
                    % {
                        "end": date_format(self.ends_on, "j F Y"),
                        "start": date_format(self.starts_on, "j F Y"),
                    }
                }
            )


class Tag(models.Model):
    name = models.CharField(_("nom"), max_length=60, unique=True)
    slug = models.SlugField(_("identifiant d'URL"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CallQuerySet(models.QuerySet):
    """Call states derive from time: nothing has to run to open or close a call."""

    def published(self):
        return self.filter(published_at__isnull=False)

    def open(self, now=None):
        now = now or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.published().filter(opens_at__gt=now)

    def closed(self, now=None):
        now = now or timezone.now()
        return self.published().filter(closes_at__lte=now)

    def with_results(self):
        return self.published().filter(results_published_at__isnull=False)

    def visible_to(self, user):
        """Published calls for everyone; drafts for metropolis admins only."""
        from accounts.roles import roles_of

        if roles_of(user).is_metropolis_admin:
            return self
        return self.published()


class Call(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        UPCOMING = "upcoming", _("à venir")
        OPEN = "open", _("ouvert")
        CLOSED = "closed", _("clos")
        RESULTS = "results", _("résultats publiés")

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="calls", verbose_name=_("édition")
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    summary = models.TextField(_("présentation"), blank=True)
    eligibility = models.TextField(_("critères d'éligibilité"), blank=True)
    required_documents = models.TextField(_("pièces demandées"), blank=True)
    rules_document = models.FileField(_("règlement (PDF)"), upload_to="calls/rules/", blank=True)
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("date limite de dépôt"))
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True, editable=False)
    results_published_at = models.DateTimeField(
        _("résultats publiés le"), null=True, blank=True, editable=False
    )
    reminder_offsets_hours = models.JSONField(
        _("rappels (heures avant la date limite)"),
        default=default_reminder_offsets,
        help_text=_("Ex. [168, 24, 3] : 7 jours, 1 jour et 3 heures avant la clôture."),
    )
    hide_reviews_until_submitted = models.BooleanField(
        _("masquer les évaluations des collègues tant que la sienne n'est pas soumise"),
        default=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()
    # Audit log: publication of the call and of its results.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("calls:call_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            from qmi.templatetags.qmi_tags import paris_datetime

            raise ValidationError(
                {
                    "closes_at": _(
                        "La date limite doit venir après l'ouverture : l'appel ouvre le "
                        "%(opens)s et la date limite indiquée est le %(closes)s. Repoussez "
                        "la date limite ou avancez l'ouverture."
                    )
                    % {
                        "closes": paris_datetime(self.closes_at),
                        "opens": paris_datetime(self.opens_at),
                    }
                }
            )
        offsets = self.reminder_offsets_hours
        if not isinstance(offsets, list) or not all(
            isinstance(o, int) and 0 < o <= 24 * 90 for o in offsets
        ):
            raise ValidationError(
                {
                    "reminder_offsets_hours": _(
                        "Indiquez une liste d'heures entières entre 1 et 2160, ex. [168, 24, 3]."
                    )
                }
            )

    # State, derived from time.
    @property
    def is_published(self):
        return self.published_at is not None

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at

    def state(self, now=None):
        now = now or timezone.now()
        if not self.is_published:
            return self.State.DRAFT
        if self.results_published_at:
            return self.State.RESULTS
        if now < self.opens_at:
            return self.State.UPCOMING
        if now < self.closes_at:
            return self.State.OPEN
        return self.State.CLOSED

    @property
    def current_state(self):
        return self.state()

    @property
    def state_label(self):
        return self.State(self.state()).label

    @property
    def results_published(self):
        return self.results_published_at is not None

    @property
    def communes(self):
        return Commune.objects.filter(participations__call=self).order_by("name")


class Participation(models.Model):
    """A commune taking part in an edition, with its innovation quarter and quota."""

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="participations", verbose_name=_("édition")
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="participations", verbose_name=_("commune")
    )
    call = models.ForeignKey(
        Call,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("appel à projets"),
    )
    quarter_name = models.CharField(_("quartier d'innovation ou secteurs"), max_length=200)
    quarter_description = models.TextField(_("description du quartier"), blank=True)
    quota_min = models.PositiveSmallIntegerField(
        _("nombre minimum de lauréats"), default=6, validators=[MinValueValidator(1)]
    )
    quota_max = models.PositiveSmallIntegerField(
        _("nombre maximum de lauréats"), default=8, validators=[MaxValueValidator(50)]
    )
    # Set when the commune's manager finalises the selection; cleared only by
    # a metropolis admin reopening it.
    selection_finalised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set by the commune's manager: reviewers with pending assignments are reminded before.
    review_deadline = models.DateTimeField(_("date limite des évaluations"), null=True, blank=True)
    # Audit log: finalisations and reopenings.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["edition__number", "commune__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "commune"], name="one_participation_per_edition"
            ),
            models.CheckConstraint(condition=Q(quota_min__gte=1), name="quota_min_at_least_one"),
            models.CheckConstraint(
                condition=Q(quota_min__lte=F("quota_max")), name="quota_min_not_above_max"
            ),
        ]

    def __str__(self):
        return f"{self.commune} – {self.edition.code}"

    def save(self, *args, **kwargs):
        """Every quota change (back-office, admin, inline) takes the lock that selecting
        takes, then gives the selected projects seats 1..quota_max (renumbering those
        above a lowered maximum) or refuses when more are selected than it allows.

        The database enforces the same rule with a trigger (applications 0010)."""
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        with transaction.atomic():
            list(Participation.objects.select_for_update().filter(pk=self.pk).values("pk"))
            self._fit_seats_to_quota()
            return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.quota_min and self.quota_max and self.quota_min > self.quota_max:
            raise ValidationError(
                {"quota_max": _("Le maximum doit être supérieur ou égal au minimum.")}
            )
        if self.call_id and self.edition_id and self.call.edition_id != self.edition_id:
            raise ValidationError({"call": _("L'appel doit appartenir à la même édition.")})
        if self.pk:
            self._clean_quota_against_selection()

    def _clean_quota_against_selection(self):
        """Quotas never fall below what the commune has already selected, nor move once final."""
        saved = Participation.objects.filter(pk=self.pk).values("quota_min", "quota_max").first()
        if saved is None:
            return
        changed = (saved["quota_min"], saved["quota_max"]) != (self.quota_min, self.quota_max)
        if changed and self.is_finalised:
            raise ValidationError(
                _(
                    "La sélection de cette commune est finalisée : "
                    "rouvrez-la avant de changer ses quotas."
                )
            )
        selected = self.targets.filter(decision="selected").count()
        if self.quota_max is not None and self.quota_max < selected:
            raise ValidationError(
                {
                    "quota_max": _(
                        "La commune a déjà retenu %(count)d projets : le maximum ne peut pas "
                        "être inférieur."
                    )
                    % {"count": selected}
                }
            )

    def _fit_seats_to_quota(self):
        seated = list(
            self.targets.filter(selection_slot__isnull=False)
            .order_by("selection_slot")
            .values_list("pk", "selection_slot")
        )
        if len(seated) > self.quota_max:
            raise ValidationError(
                {
                    "quota_max": _(
                        "La commune a déjà retenu %(count)d projets : le maximum ne peut pas "
                        "être inférieur."
                    )
                    % {"count": len(seated)}
                }
            )
        taken = {slot for _pk, slot in seated if slot <= self.quota_max}
        free = (n for n in range(1, self.quota_max + 1) if n not in taken)
        for pk, slot in seated:
            if slot > self.quota_max:
                self.targets.filter(pk=pk).update(selection_slot=next(free))

    @property
    def is_finalised(self):
        return self.selection_finalised_at is not None


class Challenge(models.Model):
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="challenges"
    )
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="challenges")
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("défi")
        verbose_name_plural = _("défis")
        ordering = ["participation", "order", "id"]

    def __str__(self):
        return self.title


class Criterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("critère"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("pondération"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("critère d'évaluation")
        verbose_name_plural = _("critères d'évaluation")
        ordering = ["call", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive")
        ]

    def __str__(self):
        return self.name


class DocumentType(models.Model):
    """A document every application to the call must attach, besides the pitch deck."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="document_types")
    name = models.CharField(
        _("pièce demandée"),
        max_length=150,
        help_text=_("Par exemple « Extrait Kbis de moins de trois mois » ou « Budget détaillé »."),
    )
    description = models.CharField(_("précisions pour les candidats"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("pièce demandée")
        verbose_name_plural = _("pièces demandées")
        ordering = ["call", "order", "id"]

    def __str__(self):
        return self.name


class CallQuestion(models.Model):
    """A question and answer published on the call page."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    question = models.TextField(_("question"))
    answer = models.TextField(_("réponse"))
    is_published = models.BooleanField(
        _("publiée"), default=True, help_text=_("Affichée sur la page publique de l'appel.")
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("question-réponse")
        verbose_name_plural = _("questions-réponses")
        ordering = ["call", "order", "id"]

    def __str__(self):
        return self.question[:80]
