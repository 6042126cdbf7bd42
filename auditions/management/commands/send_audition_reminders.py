from django.core.management.base import BaseCommand
from django.db import transaction

from auditions import services


class Command(BaseCommand):
    help = (
        "Queue the reminders of auditions taking place within a day (what Celery beat "
        "runs every 5 minutes). Idempotent: a second run sends nothing new."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            count = services.queue_audition_reminders()
        self.stdout.write(f"audition_reminder: {count}")
