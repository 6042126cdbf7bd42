"""Celery tasks: load ids, call a service. Results are never stored (ignore_result)."""

from celery import shared_task
from celery.exceptions import MaxRetriesExceededError

from notifications.models import OutboxMessage
from notifications.services import outbox, scheduling


@shared_task(bind=True, name="notifications.deliver_message", ignore_result=True, max_retries=10)
def deliver_message(self, message_id):
    """Send one outbox message, at most once: the row is claimed before sending."""
    result = outbox.deliver(message_id)
    if result == "retry" and not self.request.is_eager:
        # Eager runs (demo, tests, cron) leave the retry to the sweep, after the backoff.
        attempts = OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message_id)
        try:
            raise self.retry(countdown=outbox.retry_delay(attempts).total_seconds())
        except MaxRetriesExceededError:
            pass  # the sweep picks the row up once next_attempt_at has passed
    return result


@shared_task(name="notifications.deliver_messages", ignore_result=True)
def deliver_messages(message_ids):
    """Send a batch of outbox messages (bulk queueing) over one SMTP connection; a
    failed one is retried by the sweep after its backoff."""
    return outbox.deliver_batch(message_ids)


@shared_task(name="notifications.sweep_outbox", ignore_result=True)
def sweep_outbox():
    requeued, dispatched = outbox.sweep()
    return {"requeued": requeued, "dispatched": dispatched}


@shared_task(name="notifications.send_due_reminders", ignore_result=True)
def send_due_reminders():
    return scheduling.queue_due_notifications()
