# ruff: noqa: E501 - a local benchmark runner
"""Publishing the load call's results as the worker does (issue 16, items 5 and 7).

    DATABASE_URL=... REDIS_URL=... python bench/publish.py

Creates the publication job as the results page does, runs it in this process
as a Celery worker runs it (the messages go to the broker in batches after each
chunk's commit; no worker needs to be running), and prints the time, the peak
memory, the job's progress counts and the number of decision messages; then
runs the same job again, as a retried task would, and shows that it writes
nothing twice.
"""

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qmi.settings")


def main():
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count

    from accounts.models import User
    from applications.models import Application, StaffJob
    from applications.services.results import DECISION_KIND, run_publication
    from calls.models import Call
    from notifications.models import OutboxMessage

    call = Call.objects.filter(slug__startswith="charge-qmi").order_by("pk").first()
    admin, _ = User.objects.get_or_create(
        email="admin.bench@qmi.example", defaults={"is_metropolis_admin": True}
    )
    messages = OutboxMessage.objects.filter(
        kind=DECISION_KIND,
        content_type=ContentType.objects.get_for_model(Application),
        object_id__in=Application.objects.filter(call=call).values("pk"),
    )
    before = messages.count()
    print(
        f"{call}: {Application.objects.filter(call=call, state='submitted').count()} submitted applications, {before} decision messages before; load average {os.getloadavg()[0]:.1f}"
    )
    job = StaffJob.objects.create(kind=StaffJob.Kind.PUBLICATION, call=call, requested_by=admin)
    started = time.perf_counter()
    run_publication(job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    after = messages.count()
    duplicates = (
        messages.values("recipient_email", "object_id", "occasion")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    print(
        f"publication job {job.pk}: {job.state} in {elapsed:.0f} s; progress total={job.total} done={job.done}; "
        f"{after - before} decision messages written, {duplicates} keys twice; peak memory "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; load average {os.getloadavg()[0]:.1f}"
    )
    StaffJob.objects.filter(pk=job.pk).update(state=StaffJob.State.RUNNING)
    started = time.perf_counter()
    run_publication(job.pk)
    print(
        f"the same job run again (a retried task): {messages.count() - after} new messages in "
        f"{time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
