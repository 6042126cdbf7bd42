"""Celery tasks: load ids, call a service."""

from celery import shared_task
from django.db import transaction

from auditions import services


@shared_task(name="auditions.send_audition_reminders", ignore_result=True)
def send_audition_reminders():
    """The day-before reminders of booked auditions (beat; idempotent)."""
    with transaction.atomic():
        return services.queue_audition_reminders()
