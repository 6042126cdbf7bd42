from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One message to send, written in the transaction of the change that causes it.

    The unique key (recipient, kind, object, occasion) makes retries and
    repeated beat runs harmless: nobody gets a message twice.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("en attente")
        SENDING = "sending", _("en cours d'envoi")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("en échec")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_messages",
    )
    recipient_email = models.EmailField(_("destinataire"))
    kind = models.CharField(_("type"), max_length=40, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("content_type", "object_id")
    occasion = models.CharField(_("occasion"), max_length=80, blank=True, default="")
    language = models.CharField(_("langue"), max_length=8, default=settings.LANGUAGE_CODE)
    context = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("état"), max_length=8, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    subject = models.CharField(_("objet"), max_length=255, blank=True)
    # In-site notification: read by the recipient.
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages (boîte d'envoi)")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_email", "kind", "content_type", "object_id", "occasion"],
                name="one_message_per_recipient_kind_object_occasion",
            )
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_email} ({self.get_state_display()})"
