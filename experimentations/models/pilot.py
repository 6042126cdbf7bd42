"""Pilots: each selected (application, commune) once results are published."""

import datetime
import uuid

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models import Application
from applications.models.application import DECISIONS_PUBLISHED
from calls.models import Participation

DEFAULT_DURATION_MONTHS = 18
REPORT_EVERY_MONTHS = 6


def default_planned_end(start, months=DEFAULT_DURATION_MONTHS):
    return start + relativedelta(months=months) if start else None


class PilotQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one answer to "which pilots may this user see in full?".

        Metropolis admins: all; programme officers: the pilots they follow;
        commune staff: their communes' pilots; organisation members: their own.
        """
        from accounts.roles import roles_of

        roles = roles_of(user)
        if not roles.is_authenticated:
            return self.none()
        if roles.is_metropolis_admin:
            return self
        visible = Q(application__organisation__memberships__user=user) | Q(officer=user)
        if roles.is_commune_staff:
            visible |= Q(participation__commune_id__in=roles.staff_communes)
        return self.filter(visible).distinct()

    def public(self):
        """Pilots whose call's results are published and whose application stands."""
        return self.filter(DECISIONS_PUBLISHED)


class Pilot(models.Model):
    """A laureate's experiment in one commune's innovation quarter."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("en préparation")
        RUNNING = "running", _("en cours")
        COMPLETED = "completed", _("terminée")
        ABANDONED = "abandoned", _("abandonnée")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="pilots", verbose_name=_("candidature")
    )
    participation = models.ForeignKey(
        Participation, on_delete=models.PROTECT, related_name="pilots", verbose_name=_("commune")
    )
    state = models.CharField(
        _("état"), max_length=12, choices=State.choices, default=State.PREPARING, db_index=True
    )
    abandon_reason = models.TextField(_("motif de l'abandon"), blank=True)
    planned_start = models.DateField(_("début prévu"), null=True, blank=True)
    planned_end = models.DateField(_("fin prévue"), null=True, blank=True)
    actual_start = models.DateField(_("début effectif"), null=True, blank=True)
    actual_end = models.DateField(_("fin effective"), null=True, blank=True)
    place = models.CharField(_("lieu dans le quartier"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_pilots",
        verbose_name=_("chargé de mission"),
        help_text=_("Un agent de la Métropole qui suit l'expérimentation."),
    )
    commune_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact à la commune"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PilotQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("expérimentation")
        verbose_name_plural = _("expérimentations")
        ordering = ["participation__commune__name", "application__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "participation"], name="one_pilot_per_application_commune"
            ),
            models.CheckConstraint(
                condition=~Q(state="abandoned") | ~Q(abandon_reason=""),
                name="abandoned_pilot_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="pilot_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="pilot_actual_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.application.title} – {self.participation.commune}"

    def save(self, *args, **kwargs):
        if self.planned_start and not self.planned_end:
            self.planned_end = default_planned_end(self.planned_start)
        super().save(*args, **kwargs)

    @property
    def commune(self):
        return self.participation.commune

    @property
    def title(self):
        return self.application.title

    @property
    def start(self):
        return self.actual_start or self.planned_start

    @property
    def end(self):
        return self.actual_end or self.planned_end

    def clean(self):
        super().clean()
        errors = {}
        if self.state == self.State.ABANDONED and not (self.abandon_reason or "").strip():
            errors["abandon_reason"] = _("Indiquez pourquoi l'expérimentation a été abandonnée.")
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            errors["planned_end"] = _("La fin prévue doit suivre le début prévu.")
        if self.actual_start and self.actual_end and self.actual_end < self.actual_start:
            errors["actual_end"] = _("La fin effective doit suivre le début effectif.")
        if self.state in (self.State.RUNNING, self.State.COMPLETED) and not self.actual_start:
            errors["actual_start"] = _(
                "Indiquez le début effectif d'une expérimentation en cours ou terminée."
            )
        if self.state == self.State.COMPLETED and not self.actual_end:
            errors["actual_end"] = _("Indiquez la fin effective d'une expérimentation terminée.")
        today = timezone.localdate()
        for name in ("actual_start", "actual_end"):
            value = getattr(self, name)
            if value and value > today and name not in errors:
                errors[name] = _("Une date effective ne peut pas être dans le futur.")
        if (
            self.application_id
            and self.participation_id
            and self.application.call_id != self.participation.call_id
        ):
            errors["participation"] = _("La commune doit participer à l'appel de la candidature.")
        if errors:
            raise ValidationError(errors)


class Milestone(models.Model):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("intitulé"), max_length=200)
    due_on = models.DateField(_("échéance"))
    done_on = models.DateField(_("atteint le"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["pilot", "due_on", "pk"]

    def __str__(self):
        return self.title

    def is_late(self, today=None):
        return self.done_on is None and self.due_on < (today or timezone.localdate())

    def clean(self):
        super().clean()
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError(
                {"done_on": _("Un jalon ne peut pas être atteint dans le futur.")}
            )


class ReportQuerySet(models.QuerySet):
    def filed(self):
        return self.filter(submitted_at__isnull=False)

    def expected(self):
        return self.filter(submitted_at__isnull=True)

    def overdue(self, today=None):
        return self.expected().filter(due_on__lt=today or timezone.localdate())


class Report(models.Model):
    """A progress report the laureate owes: scheduled with its due date, filed once written."""

    class Kind(models.TextChoices):
        KICKOFF = "kickoff", _("rapport de lancement")
        PERIODIC = "periodic", _("rapport d'étape")
        FINAL = "final", _("rapport final")

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    # 0 for the kick-off and final reports; 1, 2... for the six-monthly ones.
    number = models.PositiveSmallIntegerField(_("numéro"), default=0)
    due_on = models.DateField(_("attendu le"))
    text = models.TextField(_("rapport"), blank=True)
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport d'avancement")
        verbose_name_plural = _("rapports d'avancement")
        ordering = ["pilot", "due_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "kind", "number"], name="one_report_per_slot"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | ~Q(text=""),
                name="filed_report_has_text",
            ),
        ]

    def __str__(self):
        return f"{self.label} – {self.pilot}"

    @property
    def label(self):
        if self.kind == self.Kind.PERIODIC:
            return _("Rapport d'étape n° %(number)d") % {"number": self.number}
        return self.get_kind_display().capitalize()

    @property
    def is_filed(self):
        return self.submitted_at is not None

    def is_overdue(self, today=None):
        return not self.is_filed and self.due_on < (today or timezone.localdate())

    def clean(self):
        super().clean()
        if self.kind == self.Kind.PERIODIC and self.number < 1:
            raise ValidationError({"number": _("Un rapport d'étape est numéroté à partir de 1.")})
        if self.submitted_at and not (self.text or "").strip():
            raise ValidationError({"text": _("Un rapport déposé ne peut pas être vide.")})


def report_upload_to(instance, filename):
    from applications.models.application import _suffix

    return f"experimentations/{instance.report_id}/{uuid.uuid4().hex}{_suffix(filename)}"


class ReportAttachment(models.Model):
    """A file joined to a report: private, served only through a permission-checking view."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=report_upload_to, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe d'un rapport")
        verbose_name_plural = _("pièces jointes des rapports")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name


class Continuation(models.TextChoices):
    YES = "yes", _("oui")
    NO = "no", _("non")
    DISCUSSING = "discussing", _("en discussion")


class Outcome(models.Model):
    """What came after a pilot: did the commune go on with the company, and how."""

    class Form(models.TextChoices):
        PUBLIC_CONTRACT = "public_contract", _("marché public")
        PARTNERSHIP = "partnership", _("partenariat")
        EXTENSION = "extension", _("prolongation de l'expérimentation")
        OTHER = "other", _("autre")

    Continued = Continuation

    pilot = models.OneToOneField(Pilot, on_delete=models.CASCADE, related_name="outcome")
    continued = models.CharField(
        _("la commune poursuit-elle avec l'entreprise ?"),
        max_length=12,
        choices=Continuation.choices,
    )
    form = models.CharField(_("sous quelle forme"), max_length=16, choices=Form.choices, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("suite donnée")
        verbose_name_plural = _("suites données")
        constraints = [
            models.CheckConstraint(
                condition=Q(continued="yes") | Q(form=""), name="outcome_form_only_when_continued"
            ),
        ]

    def __str__(self):
        return f"{self.pilot} : {self.get_continued_display()}"

    def clean(self):
        super().clean()
        if self.continued == Continuation.YES and not self.form:
            raise ValidationError({"form": _("Précisez sous quelle forme la commune poursuit.")})
        if self.continued != Continuation.YES and self.form:
            raise ValidationError(
                {"form": _("Une forme ne se précise que si la commune poursuit.")}
            )


def report_schedule(start, end):
    """(kind, number, due date) of the reports a pilot owes between start and end."""
    if not start:
        return []
    end = end or default_planned_end(start)
    schedule = [(Report.Kind.KICKOFF, 0, start + datetime.timedelta(days=30))]
    number = 1
    while True:
        due = start + relativedelta(months=REPORT_EVERY_MONTHS * number)
        if due >= end:
            break
        schedule.append((Report.Kind.PERIODIC, number, due))
        number += 1
    schedule.append((Report.Kind.FINAL, 0, end + datetime.timedelta(days=30)))
    return schedule
