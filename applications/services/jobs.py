"""Handing long staff jobs (publication, exports) to a worker.

With the broker down the request still answers: the job stays queued, and the
beat task `applications.resume_stalled_jobs` hands it again once the broker is
back. Both runs are idempotent, so a job handed twice does its work once.
"""

import logging
from datetime import timedelta

from django.db.models.functions import Now
from kombu.exceptions import OperationalError as KombuOperationalError

from applications.models import StaffJob
from qmi.celery import registered_task

logger = logging.getLogger(__name__)

# A job still queued after this long lost its broker message (no worker has it).
STALLED_AFTER = timedelta(minutes=10)


def _task_for(job):
    if job.kind == StaffJob.Kind.PUBLICATION:
        return registered_task("applications.publish_results")
    return registered_task("applications.export_table")


def enqueue(job):
    """Hand the job to a worker; False when the broker is unreachable (never raises)."""
    try:
        _task_for(job).delay(job.pk)
    except (KombuOperationalError, OSError):
        logger.warning("Broker unavailable; staff job %s left for the resume sweep", job.pk)
        return False
    return True


def resume_stalled_jobs():
    """Hand again the jobs queued for longer than STALLED_AFTER (the database's clock)."""
    stalled = StaffJob.objects.filter(
        state=StaffJob.State.QUEUED, created_at__lt=Now() - STALLED_AFTER
    )
    return sum(enqueue(job) for job in stalled)
