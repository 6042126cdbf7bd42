"""Alerts "a call opens" (double opt-in) and unsubscribing from non-transactional mails."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import ALERTS, CALL_REMINDERS
from notifications.models import AlertSubscription, ReminderMute
from notifications.services.outbox import queue_message

CONFIRM_SALT = "notifications.alert-confirm"
CONFIRM_VALIDITY = timedelta(days=7)


def confirmation_token(subscriptions):
    """One link confirms every subscription of one request."""
    return signing.dumps(
        {"ids": [s.pk for s in subscriptions], "e": subscriptions[0].email}, salt=CONFIRM_SALT
    )


def subscriptions_for_token(token):
    """The subscriptions a confirmation link is about ([] when forged or expired)."""
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_VALIDITY.total_seconds())
    except signing.BadSignature:
        return []
    ids = payload.get("ids") or [payload.get("id")]
    return list(
        AlertSubscription.objects.select_related("commune", "tag")
        .filter(pk__in=[i for i in ids if isinstance(i, int)], email=payload.get("e"))
        .order_by("pk")
    )


def topics(subscriptions):
    return ", ".join(str(s.commune or s.tag) for s in subscriptions)


@transaction.atomic
def subscribe(*, email, communes=(), tags=(), language=None):
    """Ask for alerts; one confirmation mail covers every new topic (double opt-in).

    Already confirmed subscriptions are left alone, so the answer never tells
    a visitor whether an address was subscribed. Returns the new subscriptions.
    """
    email = email.strip().lower()
    language = language or settings.LANGUAGE_CODE
    created = []
    wanted = [{"commune": c} for c in communes] + [{"tag": t} for t in tags]
    for target in wanted:
        try:
            with transaction.atomic():
                subscription, is_new = AlertSubscription.objects.get_or_create(
                    email=email, **target, defaults={"language": language}
                )
        except IntegrityError:  # the same request twice at once
            continue
        if is_new:
            created.append(subscription)
    if created:
        queue_message(
            recipient=None,
            email=email,
            language=language,
            kind="alert_confirmation",
            about=created[0],
            occasion="confirm",
            context={
                "topic": topics(created),
                "url": settings.SITE_URL
                + reverse(
                    "notifications:alert_confirm",
                    kwargs={"token": confirmation_token(created)},
                ),
            },
        )
    return created


def confirm(subscriptions):
    AlertSubscription.objects.filter(
        pk__in=[s.pk for s in subscriptions], confirmed_at__isnull=True
    ).update(confirmed_at=timezone.now())
    for subscription in subscriptions:
        subscription.refresh_from_db()
    return subscriptions


@transaction.atomic
def unsubscribe(payload):
    """Apply a verified unsubscribe payload (see outbox.read_unsubscribe_token)."""
    if payload["s"] == ALERTS:
        AlertSubscription.objects.filter(email=payload["e"]).delete()
    elif payload["s"] == CALL_REMINDERS:
        from calls.models import Call

        call = Call.objects.filter(pk=payload["c"]).first()
        if call is not None:
            ReminderMute.objects.get_or_create(email=payload["e"], call=call)
