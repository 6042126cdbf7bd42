"""Long staff jobs: load the job's id, call the service (which records progress)."""

from celery import shared_task

# Publication and exports grow with the call: minutes, not the default minute.
LONG_JOB = {"soft_time_limit": 30 * 60, "time_limit": 35 * 60, "ignore_result": True}


@shared_task(name="applications.publish_results", **LONG_JOB)
def publish_results_task(job_id):
    """Idempotent: a retried or repeated run writes only the messages still missing."""
    from applications.services.results import run_publication

    run_publication(job_id)


@shared_task(name="applications.export_table", **LONG_JOB)
def export_table_task(job_id):
    from applications.services.exports import run_export

    run_export(job_id)


@shared_task(name="applications.resume_stalled_jobs", ignore_result=True)
def resume_stalled_jobs():
    """Jobs whose broker message was lost (broker down when asked) are handed again."""
    from applications.services.jobs import resume_stalled_jobs

    return resume_stalled_jobs()
