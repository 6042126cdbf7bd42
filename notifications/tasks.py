from celery import shared_task

from notifications import services
from notifications.models import OutboxMessage

MAX_ATTEMPTS = 5


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1)
def deliver_message(self, message_id):
    """Send one outbox message, at most once: the row is claimed before sending."""
    if not services.claim(message_id):
        return "skipped"
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        services.send_now(message)
    except OSError as error:  # SMTP and network failures
        if message.attempts >= MAX_ATTEMPTS:
            services.mark_failed(message_id, error)
            return "failed"
        services.release_for_retry(message_id, error)
        raise self.retry(exc=error, countdown=min(2**message.attempts * 30, 3600)) from error
    return "sent"
