"""Celery application: Redis broker when REDIS_URL is set, eager otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qmi.settings")

app = Celery("qmi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="qmi.ping")
def ping():
    """Round trip used by /healthz consumers and the process smoke test."""
    return "pong"
