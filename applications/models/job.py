from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from calls.models import Call, Participation


class StaffJob(models.Model):
    """A long staff job run by a Celery worker (publication of results, an export),
    with the progress the page shows while it runs."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("publication des résultats")
        EXPORT = "export", _("export")

    class State(models.TextChoices):
        QUEUED = "queued", _("en file d'attente")
        RUNNING = "running", _("en cours")
        DONE = "done", _("terminé")
        FAILED = "failed", _("en échec")

    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("état"), max_length=8, choices=State.choices, default=State.QUEUED)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="staff_jobs")
    # An export of one commune's table; None: the whole call.
    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    file_format = models.CharField(_("format"), max_length=4, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_jobs"
    )
    total = models.PositiveIntegerField(_("à traiter"), default=0)
    done = models.PositiveIntegerField(_("traités"), default=0)
    file = models.FileField(upload_to="exports/", max_length=255, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tâche de fond")
        verbose_name_plural = _("tâches de fond")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["call", "kind", "-created_at"], name="staffjob_call_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="publication") | Q(file_format__in=["csv", "xlsx"]),
                name="export_job_has_a_format",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.call} ({self.get_state_display()})"

    @property
    def is_active(self):
        return self.state in {self.State.QUEUED, self.State.RUNNING}

    @property
    def percent(self):
        if self.state == self.State.DONE:
            return 100
        return round(100 * self.done / self.total) if self.total else 0
