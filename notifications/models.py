from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class OutboxMessageQuerySet(models.QuerySet):
    def due_for_sweep(self, now, min_age):
        """Pending rows a lost broker message may have left behind."""
        fresh = Q(next_attempt_at__isnull=True, created_at__lte=now - min_age)
        retry_due = Q(next_attempt_at__lte=now)
        return self.filter(fresh | retry_due, state=OutboxMessage.State.PENDING)

    def stuck_sending(self, max_age):
        """Rows claimed by a worker that died before finishing.

        Judged on the database's clock, which also stamped ``claimed_at``:
        the clock of the host running the sweep plays no part.
        """
        return self.filter(state=OutboxMessage.State.SENDING, claimed_at__lte=Now() - max_age)

    def for_recipient(self, user):
        return self.filter(recipient=user)


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
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # After an SMTP failure: the sweep leaves the row alone until then (backoff).
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    subject = models.CharField(_("objet"), max_length=255, blank=True)
    # In-site notification: read by the recipient.
    read_at = models.DateTimeField(_("lu le"), null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages (boîte d'envoi)")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_email", "kind", "content_type", "object_id", "occasion"],
                name="one_message_per_recipient_kind_object_occasion",
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="sent_message_has_sent_at",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="outbox_unread_idx")]

    def __str__(self):
        return f"{self.kind} → {self.recipient_email} ({self.get_state_display()})"

    @property
    def is_unread(self):
        return self.read_at is None


class AlertSubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def matching_call(self, call):
        """Confirmed subscriptions for one of the call's communes or themes."""
        from calls.models import Tag
        from communes.models import Commune

        communes = Commune.objects.filter(participations__call=call)
        tags = Tag.objects.filter(challenges__participation__call=call)
        return self.confirmed().filter(Q(commune__in=communes) | Q(tag__in=tags))


class AlertSubscription(models.Model):
    """A visitor asking to be told when a call opens, for a commune or a theme.

    Double opt-in: nothing is sent but the confirmation until ``confirmed_at``.
    """

    email = models.EmailField(_("adresse e-mail"))
    commune = models.ForeignKey(
        "communes.Commune",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscriptions",
        verbose_name=_("commune"),
    )
    tag = models.ForeignKey(
        "calls.Tag",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alert_subscriptions",
        verbose_name=_("thématique"),
    )
    language = models.CharField(_("langue"), max_length=8, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)

    objects = AlertSubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("alerte « un appel ouvre »")
        verbose_name_plural = _("alertes « un appel ouvre »")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(commune__isnull=False) & Q(tag__isnull=True))
                | (Q(commune__isnull=True) & Q(tag__isnull=False)),
                name="alert_for_a_commune_or_a_theme",
            ),
            models.UniqueConstraint(
                fields=["email", "commune"],
                condition=Q(commune__isnull=False),
                name="one_alert_per_email_and_commune",
            ),
            models.UniqueConstraint(
                fields=["email", "tag"],
                condition=Q(tag__isnull=False),
                name="one_alert_per_email_and_tag",
            ),
        ]

    def __str__(self):
        return f"{self.email} – {self.commune or self.tag}"

    def clean(self):
        super().clean()
        if bool(self.commune_id) == bool(self.tag_id):
            raise ValidationError(_("Choisissez une commune ou une thématique."))

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class ReminderMute(models.Model):
    """A person who no longer wants the reminders of one call."""

    email = models.EmailField(_("adresse e-mail"))
    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="reminder_mutes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rappels désactivés")
        verbose_name_plural = _("rappels désactivés")
        constraints = [
            models.UniqueConstraint(fields=["email", "call"], name="one_mute_per_email_and_call")
        ]

    def __str__(self):
        return f"{self.email} – {self.call}"
