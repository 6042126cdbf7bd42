"""Celery tasks: load ids, call a service."""

from celery import shared_task

from privacy.services import export, retention


@shared_task(name="privacy.apply_retention", ignore_result=True)
def apply_retention():
    return {result.kind: result.count for result in retention.apply_retention()}


@shared_task(name="privacy.build_data_export", ignore_result=True)
def build_data_export(export_id):
    export.build_export(export_id)


@shared_task(name="privacy.resume_stalled_exports", ignore_result=True)
def resume_stalled_exports():
    """Archives asked while the broker was down are handed again."""
    return export.resume_stalled_exports()
