from django.core.management.base import BaseCommand

from notifications.services import outbox, scheduling


class Command(BaseCommand):
    help = (
        "Queue the reminders and notices that are due (what Celery beat does every "
        "5 minutes), then sweep the outbox. Idempotent: a second run sends nothing new."
    )

    def handle(self, *args, **options):
        counts = scheduling.queue_due_notifications()
        requeued, dispatched = outbox.sweep()
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count}")
        self.stdout.write(f"outbox: {dispatched} dispatched, {requeued} requeued")
