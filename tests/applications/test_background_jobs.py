"""Publication and exports run in a worker: the page answers at once, progress is
shown, a retried job does nothing twice, an export read by chunks is complete."""

import io

import pytest
from django.urls import reverse

from applications.models import StaffJob
from applications.services import exports
from applications.services.results import request_publication, run_publication
from notifications.models import OutboxMessage
from tests.applications import test_results
from tests.factories import AdminFactory

# The publication tests' call: communes A and B, four decided applications.
world, admin, decided = test_results.world, test_results.admin, test_results.decided
_finalise_all = test_results._finalise_all

pytestmark = pytest.mark.django_db


def test_publishing_answers_at_once_and_shows_progress(client, world, decided, admin, monkeypatch):
    from applications import tasks

    monkeypatch.setattr(tasks.publish_results_task, "delay", lambda job_id: None)
    _finalise_all(world)
    client.force_login(admin)
    response = client.post(reverse("staff:publish_results", args=[world.call.pk]))
    assert response.status_code == 302
    world.call.refresh_from_db()
    assert world.call.results_published_at is None  # the worker has not run yet
    job = StaffJob.objects.get(kind="publication", call=world.call)
    assert job.state == "queued"
    page = client.get(reverse("staff:call_results", args=[world.call.pk])).content.decode()
    assert "Messages écrits" in page and "en file d" in page

    run_publication(job.pk)  # what the worker does
    job.refresh_from_db()
    assert (job.state, job.total, job.done) == ("done", 6, 6)
    world.call.refresh_from_db()
    assert world.call.results_published_at is not None
    page = client.get(reverse("staff:call_results", args=[world.call.pk])).content.decode()
    assert "terminé" in page


def test_a_retried_or_interrupted_publication_writes_each_message_once(world, decided, admin):
    _finalise_all(world)
    job = request_publication(user=admin, call=world.call)  # eager in tests
    assert OutboxMessage.objects.filter(kind="decision").count() == 6
    # The worker died after writing some rows: the retry writes only the missing ones.
    OutboxMessage.objects.filter(
        pk__in=OutboxMessage.objects.filter(kind="decision").order_by("pk").values("pk")[:4]
    ).delete()
    StaffJob.objects.filter(pk=job.pk).update(state="running")
    run_publication(job.pk)
    assert OutboxMessage.objects.filter(kind="decision").count() == 6
    keys = OutboxMessage.objects.values_list("recipient_email", "object_id", "occasion")
    assert len(set(keys)) == len(keys)
    # A duplicate delivery of the task: nothing new.
    run_publication(job.pk)
    request_publication(user=admin, call=world.call)
    assert OutboxMessage.objects.filter(kind="decision").count() == 6


def test_a_refused_publication_reads_on_the_job(world, decided, admin):
    _finalise_all(world)
    job = StaffJob.objects.create(kind="publication", call=world.call, requested_by=admin)
    # A laureate withdraws between the request and the worker.
    from applications.services.submission import withdraw_application

    application = decided["both_a"].application
    withdraw_application(application=application, user=application.organisation.members.first())
    run_publication(job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and world.a.commune.name in job.error
    assert not OutboxMessage.objects.filter(kind="decision").exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_larger_than_a_chunk_is_complete_and_identical(world, decided, file_format):
    admin = AdminFactory()
    for _ in range(5):
        world.application(world.a)
    job = StaffJob.objects.create(
        kind="export", call=world.call, file_format=file_format, requested_by=admin
    )
    exports.run_export(job.pk, chunk_size=2)
    job.refresh_from_db()
    assert job.state == "done" and job.done == job.total == 9
    with job.file.open("rb") as stored:
        produced = stored.read()
    participations = exports._job_participations(job)
    header, rows = exports.export_rows(admin, participations)
    assert len(rows) == 9
    if file_format == "csv":
        assert produced == exports.to_csv(header, rows)
    else:
        from openpyxl import load_workbook

        def cells(content):
            sheet = load_workbook(io.BytesIO(content)).active
            return list(sheet.iter_rows(values_only=True))

        assert cells(produced) == cells(exports.to_xlsx(header, rows, title="x"))


def test_only_the_requester_follows_and_downloads_an_export(client, world, decided):
    client.force_login(world.manager_a)
    response = client.post(reverse("staff:dashboard_export", args=[world.a.pk, "csv"]))
    job = StaffJob.objects.get(kind="export")
    assert response.url == reverse("staff:job", args=[job.pk])
    assert client.get(reverse("staff:job_download", args=[job.pk])).status_code == 200
    assert (
        client.get(reverse("staff:dashboard_export", args=[world.a.pk, "csv"])).status_code == 405
    )
    for other in (world.reviewer_a, world.manager_b, AdminFactory()):
        client.force_login(other)
        assert client.get(reverse("staff:job", args=[job.pk])).status_code == 404
        assert client.get(reverse("staff:job_download", args=[job.pk])).status_code == 404


def test_with_the_broker_down_publication_waits_and_resumes_when_it_is_back(
    client, world, decided, admin, monkeypatch
):
    import datetime

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from applications import tasks
    from applications.services.jobs import resume_stalled_jobs

    def broker_down(job_id):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def asked_minutes_ago(job, minutes):
        # The sweep reads the database's clock, which no test tool moves: date the job back.
        created = timezone.now() - datetime.timedelta(minutes=minutes)
        StaffJob.objects.filter(pk=job.pk).update(created_at=created)

    _finalise_all(world)
    client.force_login(admin)
    with monkeypatch.context() as patched:
        patched.setattr(tasks.publish_results_task, "delay", broker_down)
        response = client.post(reverse("staff:publish_results", args=[world.call.pk]))
        assert response.status_code == 302  # not a 500
        job = StaffJob.objects.get(kind="publication", call=world.call)
        assert job.state == "queued"
        # Still down eleven minutes later: the sweep tries, and nothing breaks.
        asked_minutes_ago(job, 11)
        assert resume_stalled_jobs() == 0
    # A job asked nine minutes ago may still be waiting in a busy queue: left alone.
    asked_minutes_ago(job, 9)
    assert resume_stalled_jobs() == 0
    job.refresh_from_db()
    assert job.state == "queued" and world.call.results_published_at is None
    # The broker is back: the sweep hands the job again (eager here) and it publishes.
    asked_minutes_ago(job, 11)
    assert resume_stalled_jobs() == 1
    job.refresh_from_db()
    world.call.refresh_from_db()
    assert job.state == "done" and world.call.results_published_at is not None
    assert OutboxMessage.objects.filter(kind="decision").count() == 6
    # Done jobs are never handed again.
    asked_minutes_ago(job, 30)
    assert resume_stalled_jobs() == 0


def test_with_the_broker_down_an_export_is_queued_not_a_500(
    client, world, decided, admin, monkeypatch
):
    from kombu.exceptions import OperationalError

    from applications import tasks

    def broker_down(job_id):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(tasks.export_table_task, "delay", broker_down)
    client.force_login(admin)
    response = client.post(reverse("staff:call_export", args=[world.call.pk, "csv"]))
    assert response.status_code == 302
    assert StaffJob.objects.get(kind="export").state == "queued"
