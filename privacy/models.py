"""What the platform erased or exported, counted: never the content itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PurgeRecord(models.Model):
    """One erasure rule applied once (or simulated), with how many rows it touched."""

    class Kind(models.TextChoices):
        DRAFT_NOTICE = "draft_notice", _("avis avant suppression de brouillons")
        DRAFTS = "drafts", _("brouillons d'appels clos supprimés")
        NOT_SELECTED = "not_selected", _("candidatures non retenues anonymisées")
        LAUREATES = "laureates", _("candidatures lauréates anonymisées")
        INACTIVE_NOTICE = "inactive_notice", _("avis avant suppression de comptes inactifs")
        INACTIVE_ACCOUNTS = "inactive_accounts", _("comptes inactifs supprimés")
        OUTBOX = "outbox", _("messages et notifications anciens supprimés")
        EXPORTS = "exports", _("archives « Mes données » expirées supprimées")
        ACCOUNT_DELETED = "account_deleted", _("compte supprimé à la demande de la personne")

    kind = models.CharField(_("règle"), max_length=32, choices=Kind.choices)
    count = models.PositiveIntegerField(_("nombre"))
    dry_run = models.BooleanField(_("simulation"), default=False)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("effacement enregistré")
        verbose_name_plural = _("journal des effacements")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.count}"


def export_upload_to(instance, filename):
    return f"exports/{instance.user_id}/{instance.token}.zip"


class DataExport(models.Model):
    """A "Mes données" archive: produced in the background, downloadable for 7 days."""

    class State(models.TextChoices):
        PENDING = "pending", _("en préparation")
        READY = "ready", _("prête")
        FAILED = "failed", _("échec")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    token = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    file = models.FileField(upload_to=export_upload_to, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("archive « Mes données »")
        verbose_name_plural = _("archives « Mes données »")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
