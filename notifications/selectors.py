from notifications.models import OutboxMessage


def unread_count(user):
    return OutboxMessage.objects.for_recipient(user).filter(read_at__isnull=True).count()


def notifications_of(user):
    return OutboxMessage.objects.for_recipient(user).order_by("-created_at")


def notification_of(user, message_id):
    """One of the user's own notifications, or None (someone else's looks like no one's)."""
    return notifications_of(user).filter(pk=message_id).first()


def outbox(*, state="", kind=""):
    """Every message, newest first, for metropolis admins; filters are optional."""
    rows = OutboxMessage.objects.select_related("recipient", "content_type").defer("context")
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-created_at", "-pk")


def outbox_counts():
    """[(state, label, count)] for every state, 0 included, for the filter bar."""
    from django.db.models import Count

    counts = dict(OutboxMessage.objects.order_by().values_list("state").annotate(n=Count("pk")))
    return [(state, label, counts.get(state, 0)) for state, label in OutboxMessage.State.choices]


def failed_count():
    return OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED).count()


def known_kinds():
    return list(OutboxMessage.objects.order_by("kind").values_list("kind", flat=True).distinct())
