"""The outbox: queue a message with the change that causes it, deliver after commit."""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import OutboxMessage

logger = logging.getLogger(__name__)


def queue_message(*, recipient, kind, about, occasion="", context=None, email=None):
    """Write one outbox row (idempotent) and deliver it once the transaction commits.

    ``recipient`` is a user (or None with ``email``); ``about`` the object the
    message is about; ``occasion`` tells apart messages of one kind on one
    object (e.g. "168h" for the 7-day reminder). Returns (message, created).
    """
    address = (email or recipient.email).lower()
    language = getattr(recipient, "preferred_language", None) or settings.LANGUAGE_CODE
    content_type = ContentType.objects.get_for_model(about)
    try:
        with transaction.atomic():
            message, created = OutboxMessage.objects.get_or_create(
                recipient_email=address,
                kind=kind,
                content_type=content_type,
                object_id=about.pk,
                occasion=occasion,
                defaults={
                    "recipient": recipient,
                    "language": language,
                    "context": context or {},
                },
            )
    except IntegrityError:  # a concurrent writer queued the same message
        message, created = (
            OutboxMessage.objects.get(
                recipient_email=address,
                kind=kind,
                content_type=content_type,
                object_id=about.pk,
                occasion=occasion,
            ),
            False,
        )
    if created:
        transaction.on_commit(lambda: _dispatch(message.pk))
    return message, created


def _dispatch(message_id):
    from notifications.tasks import deliver_message

    try:
        deliver_message.delay(message_id)
    except Exception:  # noqa: BLE001 - broker down: the periodic sweep delivers it
        logger.warning("Broker unavailable; outbox message %s left for the sweep", message_id)


def claim(message_id):
    """Move a pending message to "sending"; only one caller ever wins."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(pk=message_id, state=OutboxMessage.State.PENDING).update(
        state=OutboxMessage.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def render_message(message):
    """Subject, plain text and HTML of a message, in the recipient's language."""
    context = {
        **message.context,
        "message": message,
        "recipient": message.recipient,
        "about": message.about,
        "SITE_URL": settings.SITE_URL,
    }
    base = f"notifications/mail/{message.kind}"
    with translation.override(message.language):
        subject = render_to_string(f"{base}_subject.txt", context).strip()
        body = render_to_string(f"{base}.txt", context)
        try:
            html = render_to_string(f"{base}.html", context)
        except TemplateDoesNotExist:
            html = None
    return " ".join(subject.split()), body, html


def send_now(message):
    """Render and send a claimed message; raises on SMTP failure."""
    subject, body, html = render_message(message)
    email = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        to=[message.recipient_email],
        headers=message.context.get("_headers", {}),
    )
    if html:
        email.attach_alternative(html, "text/html")
    email.send()
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.SENT, sent_at=timezone.now(), subject=subject, last_error=""
    )


def release_for_retry(message_id, error):
    OutboxMessage.objects.filter(pk=message_id, state=OutboxMessage.State.SENDING).update(
        state=OutboxMessage.State.PENDING, last_error=str(error)[:2000]
    )


def mark_failed(message_id, error):
    OutboxMessage.objects.filter(pk=message_id).filter(
        Q(state=OutboxMessage.State.SENDING) | Q(state=OutboxMessage.State.PENDING)
    ).update(state=OutboxMessage.State.FAILED, last_error=str(error)[:2000])
