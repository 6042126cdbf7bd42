"""Long staff jobs: load the job's id, call the service (which records progress)."""

from celery import shared_task

from applications.services import exports, jobs, results

# Publication and exports grow with the call: minutes, not the default minute.
LONG_JOB = {"soft_time_limit": 30 * 60, "time_limit": 35 * 60, "ignore_result": True}


@shared_task(name="applications.publish_results", **LONG_JOB)
def publish_results_task(job_id):
    """Idempotent: a retried or repeated run writes only the messages still missing."""
    results.run_publication(job_id)


@shared_task(name="applications.export_table", **LONG_JOB)
def export_table_task(job_id):
    exports.run_export(job_id)


@shared_task(name="applications.resume_stalled_jobs", ignore_result=True)
def resume_stalled_jobs():
    """Jobs whose broker message was lost (broker down when asked) are handed again."""
    return jobs.resume_stalled_jobs()
