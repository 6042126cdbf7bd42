"""The outbox: queue a message with the change that causes it, deliver it after commit.

Delivery is at most once per row: a worker claims the row (pending ->
sending, a conditional UPDATE only one caller can win) before it talks to
SMTP. A row left in "sending" by a worker that died is handed back by the
sweep after ``STUCK_AFTER``, measured on the database's clock (the one clock
every host shares), so a host whose clock runs ahead never hands back a row
a worker is still sending.
"""

import logging
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from kombu.exceptions import OperationalError as KombuOperationalError

from notifications.kinds import ALERTS, CALL_REMINDERS, attachments_builder, unsubscribe_scope
from notifications.models import OutboxMessage
from qmi.celery import registered_task
from qmi.typography import typeset, typeset_html

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
SWEEP_MIN_AGE = timedelta(minutes=1)
# Longer than CELERY_TASK_TIME_LIMIT: a row still "sending" then has no live worker.
STUCK_AFTER = timedelta(minutes=10)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def retry_delay(attempts):
    """Exponential backoff after the n-th failed attempt: 1, 2, 4, 8 minutes..."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def _language_for(recipient, address):
    if recipient is not None:
        return recipient.preferred_language or settings.LANGUAGE_CODE
    from accounts.models import User

    known = User.objects.filter(email__iexact=address).values_list("preferred_language", flat=True)
    return next(iter(known), None) or settings.LANGUAGE_CODE


def queue_message(*, recipient, kind, about, occasion="", context=None, email=None, language=None):
    """Write one outbox row (idempotent) and deliver it once the transaction commits.

    ``recipient`` is a user (or None with ``email``); ``about`` the object the
    message is about; ``occasion`` tells apart messages of one kind on one
    object (e.g. "reminder-168h"). ``language`` defaults to the recipient's
    (or to that of the account holding ``email``). Returns (message, created).
    """
    address = (email or recipient.email).strip().lower()
    content_type = ContentType.objects.get_for_model(about)
    key = {
        "recipient_email": address,
        "kind": kind,
        "content_type": content_type,
        "object_id": about.pk,
        "occasion": occasion,
    }
    existing = OutboxMessage.objects.filter(**key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                **key,
                recipient=recipient,
                language=language or _language_for(recipient, address),
                context=context or {},
            )
    except IntegrityError:  # a concurrent writer queued the same message
        return OutboxMessage.objects.get(**key), False
    transaction.on_commit(lambda: dispatch(message.pk))
    return message, True


def queue_for_each(recipients, **message):
    """The same message (``queue_message``'s other arguments) to each of ``recipients``,
    once each; returns how many were queued now rather than before."""
    return sum(queue_message(recipient=user, **message)[1] for user in recipients)


def queue_many(messages, dispatch_batch=200):
    """Write many outbox rows at once (unsaved ``OutboxMessage`` objects of one kind
    and content type): one query finds the keys already queued, one bulk INSERT
    (ignoring a concurrent writer's rows by the unique key) writes the others, and
    after commit their delivery goes to the workers in batches. Returns how many
    rows were written."""
    messages = list(messages)
    if not messages:
        return 0
    for message in messages:
        message.recipient_email = message.recipient_email.strip().lower()
    kind, content_type_id = messages[0].kind, messages[0].content_type_id
    existing = set(
        OutboxMessage.objects.filter(
            kind=kind,
            content_type_id=content_type_id,
            object_id__in={m.object_id for m in messages},
        ).values_list("recipient_email", "object_id", "occasion")
    )
    new = [m for m in messages if (m.recipient_email, m.object_id, m.occasion) not in existing]
    OutboxMessage.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        keys = {(m.recipient_email, m.object_id, m.occasion) for m in new}
        ids = [
            pk
            for pk, *key in OutboxMessage.objects.filter(
                kind=kind,
                content_type_id=content_type_id,
                object_id__in={m.object_id for m in new},
                state=OutboxMessage.State.PENDING,
            ).values_list("pk", "recipient_email", "object_id", "occasion")
            if tuple(key) in keys
        ]
        for start in range(0, len(ids), dispatch_batch):
            batch = ids[start : start + dispatch_batch]
            transaction.on_commit(lambda batch=batch: dispatch_many(batch))
    return len(new)


def dispatch_many(message_ids):
    """Hand a batch of messages to one Celery task; with the broker down, the sweep
    sends them later. Never raises."""
    if time.time() < _broker_down_until:
        return False
    deliver_messages = registered_task("notifications.deliver_messages")
    try:
        deliver_messages.delay(list(message_ids))
    except (KombuOperationalError, OSError):
        _note_broker_down(deliver_messages)
        logger.warning(
            "Broker unavailable; %d outbox messages left for the sweep", len(message_ids)
        )
        return False
    except Exception:  # noqa: BLE001 - committed; the sweep sends them
        logger.exception("%d outbox messages not dispatched", len(message_ids))
        return False
    return True


def _note_broker_down(task):
    global _broker_down_until
    if not task.app.conf.task_always_eager:
        _broker_down_until = time.time() + BROKER_BACKOFF_SECONDS


# After a failed publish, this process leaves messages to the sweep for a while
# instead of paying the broker's connection timeout for each of them.
BROKER_BACKOFF_SECONDS = 30
_broker_down_until = 0.0


def dispatch(message_id):
    """Hand a message to Celery; with the broker down, the sweep sends it later.

    Never raises: it runs after COMMIT, inside the request that made the change.
    """
    if time.time() < _broker_down_until:
        logger.warning("Broker recently down; outbox message %s left for the sweep", message_id)
        return False
    deliver_message = registered_task("notifications.deliver_message")
    try:
        deliver_message.delay(message_id)
    except (KombuOperationalError, OSError):
        _note_broker_down(deliver_message)
        logger.warning("Broker unavailable; outbox message %s left for the sweep", message_id)
        return False
    except Exception:  # noqa: BLE001 - the change is committed; the sweep or an admin retries
        logger.exception("Outbox message %s not dispatched", message_id)
        return False
    return True


def claim(message_id):
    """Move a pending message to "sending"; only one caller ever wins."""
    claimed = OutboxMessage.objects.filter(pk=message_id, state=OutboxMessage.State.PENDING).update(
        state=OutboxMessage.State.SENDING,
        claimed_at=Now(),  # the database's clock, as the sweep's
        next_attempt_at=None,
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def unsubscribe_token(scope, email, call_id=None):
    payload = {"s": scope, "e": email.lower()}
    if call_id is not None:
        payload["c"] = call_id
    return signing.dumps(payload, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token):
    """The payload of an unsubscribe link, or None when forged (links never expire)."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if payload.get("s") not in {ALERTS, CALL_REMINDERS} or not payload.get("e"):
        return None
    if payload["s"] == CALL_REMINDERS and not isinstance(payload.get("c"), int):
        return None
    return payload


def unsubscribe_url(message):
    """Absolute unsubscribe link of a non-transactional message, else None."""
    scope = unsubscribe_scope(message.kind)
    if scope is None:
        return None
    call_id = message.context.get("call_id") if scope == CALL_REMINDERS else None
    if scope == CALL_REMINDERS and call_id is None:
        return None
    token = unsubscribe_token(scope, message.recipient_email, call_id)
    return settings.SITE_URL + reverse("notifications:unsubscribe", kwargs={"token": token})


def render_text(template_name, context):
    """A subject or text part: never HTML-escaped, returned as a plain str so a page escapes it."""
    template = get_template(template_name).template
    return str.__str__(template.render(Context(context, autoescape=False)))


def render_message(message):
    """Subject, plain text and HTML of a message, in the recipient's language."""
    context = {
        **message.context,
        "message": message,
        "recipient": message.recipient,
        "about": message.about,
        "SITE_URL": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url(message),
        "notifications_url": settings.SITE_URL + reverse("notifications:list"),
    }
    base = f"notifications/mail/{message.kind}"
    with translation.override(message.language):
        subject = " ".join(render_text(f"{base}_subject.txt", context).split())
        body = render_text(f"{base}.txt", context)
        try:
            # The HTML part escapes each value (the subject included) exactly once.
            html = render_to_string(f"{base}.html", {**context, "subject": subject})
        except TemplateDoesNotExist:
            html = None
        # French typesetting (non-breaking spaces, elision, apostrophes) is generated here.
        subject, body = typeset(" ".join(subject.split())), typeset(body)
        html = typeset_html(html) if html else html
    return subject, body, html


def mail_domain():
    """The site's domain (SITE_URL), for Message-IDs: never the sending host's name."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id_header(message):
    """One Message-ID per outbox message, the same at every attempt: a message sent
    twice (a worker lost after the SMTP server accepted it) is recognisable as one,
    by the receiving servers and by whoever counts what arrived."""
    if message.pk is None:
        return make_msgid(domain=mail_domain())
    digest = salted_hmac("outbox-message-id", str(message.pk)).hexdigest()[:16]
    return f"<qmi.{message.pk}.{digest}@{mail_domain()}>"


def build_email(message):
    """The e-mail of a message, with List-Unsubscribe for non-transactional kinds."""
    subject, body, html = render_message(message)
    headers = dict(message.context.get("_headers", {}))
    headers.setdefault("Content-Language", message.language)
    headers.setdefault("Message-ID", message_id_header(message))
    link = unsubscribe_url(message)
    if link:
        headers["List-Unsubscribe"] = f"<{link}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        to=[message.recipient_email],
        headers=headers,
    )
    if html:
        email.attach_alternative(html, "text/html")
    builder = attachments_builder(message.kind)
    if builder is not None:
        with translation.override(message.language):
            for filename, content, mimetype in builder(message):
                email.attach(filename, content, mimetype)
    return subject, email


def send_now(message, connection=None):
    """Render and send a claimed message, over ``connection`` when given (kept open
    for the next message); raises on SMTP failure."""
    subject, email = build_email(message)
    if connection is not None:
        connection.open()  # a no-op while open; reopens after a failure closed it
        email.connection = connection
    email.send()
    OutboxMessage.objects.filter(pk=message.pk, state=OutboxMessage.State.SENDING).update(
        state=OutboxMessage.State.SENT, sent_at=timezone.now(), subject=subject[:255], last_error=""
    )


def release_for_retry(message_id, error, now=None):
    """Back to pending after a failed attempt; not retried before the backoff delay."""
    now = now or timezone.now()
    message = OutboxMessage.objects.only("attempts").get(pk=message_id)
    OutboxMessage.objects.filter(pk=message_id, state=OutboxMessage.State.SENDING).update(
        state=OutboxMessage.State.PENDING,
        last_error=str(error)[:2000],
        next_attempt_at=now + retry_delay(message.attempts),
    )
    return retry_delay(message.attempts)


def mark_failed(message_id, error):
    OutboxMessage.objects.filter(
        pk=message_id, state__in=[OutboxMessage.State.SENDING, OutboxMessage.State.PENDING]
    ).update(state=OutboxMessage.State.FAILED, last_error=str(error)[:2000])


def deliver(message_id):
    """Claim, send, record. Returns "sent", "skipped", "retry" or "failed"."""
    if not claim(message_id):
        return "skipped"
    return _send_claimed(OutboxMessage.objects.select_related("recipient").get(pk=message_id))


def deliver_batch(message_ids):
    """Deliver several messages: claimed in one statement, read in one query, sent over
    one SMTP connection (a connection, a claim and a read per mail are what limited a
    worker's throughput). A failed send closes the connection, so the next message
    starts on a fresh one. Returns the count of each result."""
    claimed = claim_many(message_ids)
    results = Counter(skipped=len(set(message_ids)) - len(claimed))
    messages = (
        OutboxMessage.objects.filter(pk__in=claimed)
        .select_related("recipient")
        .prefetch_related("about")
        .order_by("pk")
    )
    connection = get_connection()
    try:
        for message in messages:
            result = _send_claimed(message, connection)
            results[result] += 1
            if result in {"retry", "failed"}:
                _close_quietly(connection)
    finally:
        _close_quietly(connection)
    return {result: n for result, n in results.items() if n}


def claim_many(message_ids):
    """Claim the pending messages among ``message_ids`` at once; returns their ids.
    Rows another worker holds are skipped (PostgreSQL), and SQLite's transactions
    take the write lock when they begin, so no row is claimed twice."""
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(pk__in=message_ids, state=OutboxMessage.State.PENDING)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=ids).update(
            state=OutboxMessage.State.SENDING,
            claimed_at=Now(),
            next_attempt_at=None,
            attempts=F("attempts") + 1,
        )
    return ids


def _send_claimed(message, connection=None):
    """Send a message this worker claimed and record the outcome."""
    try:
        send_now(message, connection)
    except OSError as error:  # SMTP and network failures (SMTPException is an OSError)
        logger.warning("Sending outbox message %s failed: %s", message.pk, error)
        if message.attempts >= MAX_ATTEMPTS:
            mark_failed(message.pk, error)
            return "failed"
        release_for_retry(message.pk, error)
        return "retry"
    except Exception as error:
        # Not a delivery problem (a template, the data): retrying cannot help.
        logger.exception("Outbox message %s cannot be rendered or sent", message.pk)
        mark_failed(message.pk, f"{type(error).__name__}: {error}")
        return "failed"
    return "sent"


def _close_quietly(connection):
    try:
        connection.close()
    except OSError:  # the server already dropped it
        logger.warning("SMTP connection not closed cleanly", exc_info=True)


def retry_failed(message_ids):
    """Admin action: failed messages go back to the queue with a fresh count."""
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(
                pk__in=message_ids, state=OutboxMessage.State.FAILED
            ).values_list("pk", flat=True)
        )
        OutboxMessage.objects.filter(pk__in=ids, state=OutboxMessage.State.FAILED).update(
            state=OutboxMessage.State.PENDING, attempts=0, next_attempt_at=None, last_error=""
        )
        for message_id in ids:
            transaction.on_commit(lambda message_id=message_id: dispatch(message_id))
    return len(ids)


def sweep(now=None, limit=500):
    """Hand back rows of dead workers, dispatch pending rows a lost broker message left.

    Returns (requeued_stuck, dispatched).
    """
    now = now or timezone.now()
    stuck = OutboxMessage.objects.stuck_sending(STUCK_AFTER)
    failed = stuck.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=OutboxMessage.State.FAILED, last_error="Interrompu pendant l'envoi."
    )
    requeued = stuck.update(
        state=OutboxMessage.State.PENDING,
        next_attempt_at=None,
        last_error="Interrompu pendant l'envoi ; remis en file.",
    )
    ids = list(
        OutboxMessage.objects.due_for_sweep(now, SWEEP_MIN_AGE)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    dispatched = sum(1 for message_id in ids if dispatch(message_id))
    return requeued + failed, dispatched


def mark_read(user, message_id=None):
    """Mark one (or every) notification of a user as read; returns how many."""
    rows = OutboxMessage.objects.for_recipient(user).filter(read_at__isnull=True)
    if message_id is not None:
        rows = rows.filter(pk=message_id)
    return rows.update(read_at=timezone.now())
