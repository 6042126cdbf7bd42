from notifications.models import OutboxMessage


def unread_count(user):
    return OutboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()
