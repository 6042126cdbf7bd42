"""Celery application: Redis broker when REDIS_URL is set, eager otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qmi.settings")

app = Celery("qmi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def registered_task(name):
    """A task by its registered name, for the services that enqueue it: the tasks
    modules import those services, so a service looks its task up here instead of
    importing it. ``delay`` on it still runs eagerly where tasks are eager, which
    ``app.send_task`` would not."""
    if name not in app.tasks:
        # Outside a worker the tasks modules are imported on first need (a worker
        # imports them at start), without the worker's start-up model checks.
        app.autodiscover_tasks(force=True)
    return app.tasks[name]


@app.task(name="qmi.ping")
def ping():
    """Round trip used by /healthz consumers and the process smoke test."""
    return "pong"
