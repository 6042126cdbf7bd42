from django.core.management.base import BaseCommand

from notifications.services import outbox


class Command(BaseCommand):
    help = (
        "Send outbox messages a lost broker message left pending, and hand back "
        "messages stuck in 'sending' (what Celery beat does every minute)."
    )

    def handle(self, *args, **options):
        requeued, dispatched = outbox.sweep()
        self.stdout.write(f"outbox: {dispatched} dispatched, {requeued} requeued")
