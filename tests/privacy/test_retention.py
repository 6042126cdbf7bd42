"""Each retention rule at its boundary; a dry run changes nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command

from accounts.models import User
from applications.models import Application, ApplicationTarget, Attachment
from experimentations.models import Pilot
from notifications.models import OutboxMessage
from privacy.models import PurgeRecord
from privacy.services import retention
from tests.factories import (
    ApplicationFactory,
    ApplicationTargetFactory,
    CallFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
CLOSE = datetime.datetime(2025, 3, 17, 22, 59, tzinfo=UTC)
SECOND = datetime.timedelta(seconds=1)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def draft():
    with at(CLOSE - datetime.timedelta(days=30)):
        call = CallFactory(opens_at=CLOSE - datetime.timedelta(days=60), closes_at=CLOSE)
        member = MembershipFactory()
        application = ApplicationFactory(call=call, organisation=member.organisation)
    return application


def notices():
    return OutboxMessage.objects.filter(kind=retention.DRAFT_NOTICE_KIND)


def run(moment, dry_run=False):
    with at(moment):
        return {r.kind: r.count for r in retention.apply_retention(dry_run=dry_run)}


def test_draft_notice_two_weeks_before_deletion_and_deletion_at_three_months(draft):
    due = datetime.datetime(2025, 6, 17, 22, 59, tzinfo=UTC)  # close + 3 months
    notice_at = due - datetime.timedelta(days=14)

    run(notice_at - SECOND)
    assert not notices().exists()
    run(notice_at)
    assert notices().count() == 1
    assert notices().get().context["deletion_at"] == due.isoformat()
    run(notice_at + datetime.timedelta(days=1))
    assert notices().count() == 1  # never twice

    run(due - SECOND)
    assert Application.objects.filter(pk=draft.pk).exists()
    counts = run(due)
    assert not Application.objects.filter(pk=draft.pk).exists()
    assert counts[PurgeRecord.Kind.DRAFTS] == 1
    assert PurgeRecord.objects.filter(kind=PurgeRecord.Kind.DRAFTS, count=1).exists()


def test_a_draft_is_never_deleted_before_its_notice_period(draft):
    late = datetime.datetime(2025, 9, 1, tzinfo=UTC)  # task down for months
    run(late)
    assert Application.objects.filter(pk=draft.pk).exists()
    assert notices().count() == 1
    run(late + datetime.timedelta(days=14) - SECOND)
    assert Application.objects.filter(pk=draft.pk).exists()
    run(late + datetime.timedelta(days=14))
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_submitted_applications_of_a_closed_call_are_not_drafts(draft):
    Application.objects.filter(pk=draft.pk).update(
        state="submitted", reference="T-1", submitted_at=CLOSE - SECOND
    )
    run(datetime.datetime(2026, 1, 1, tzinfo=UTC))
    assert Application.objects.filter(pk=draft.pk).exists()
    assert not notices().exists()


@pytest.fixture
def decided():
    """A submitted application with an attachment, in a call whose results are published."""
    published = datetime.datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    target = ApplicationTargetFactory(
        application__budget_cost=45000, application__title="Vélos cargo"
    )
    application = target.application
    call = application.call
    call.results_published_at = published
    call.save()
    attachment = Attachment.objects.create(
        application=application,
        file=ContentFile(b"%PDF-1.4 pitch", name="pitch.pdf"),
        original_name="pitch.pdf",
        content_type="application/pdf",
        size=14,
        sha256="0" * 64,
    )
    return target, attachment, published


def test_not_selected_application_anonymised_five_years_after_results(
    decided, django_capture_on_commit_callbacks
):
    target, attachment, published = decided
    target.decision = ApplicationTarget.Decision.NOT_SELECTED
    target.save()
    organisation = target.application.organisation
    storage, name = attachment.file.storage, attachment.file.name
    due = published.replace(year=2030)

    run(due - SECOND)
    application = Application.objects.get(pk=target.application.pk)
    assert application.anonymised_at is None and application.organisation == organisation

    with django_capture_on_commit_callbacks(execute=True):
        counts = run(due)
    assert counts[PurgeRecord.Kind.NOT_SELECTED] == 1
    application.refresh_from_db()
    assert application.anonymised_at is not None
    assert application.organisation != organisation
    assert application.organisation.name == "Organisation anonymisée"
    assert application.organisation.members.count() == 0
    assert application.title == "" and application.summary == ""
    assert not Attachment.objects.filter(application=application).exists()
    assert not storage.exists(name)
    # Figures stay for statistics.
    assert application.budget_cost == 45000
    assert application.organisation.kind == organisation.kind
    assert application.targets.get().decision == ApplicationTarget.Decision.NOT_SELECTED
    # Once only.
    assert run(due + datetime.timedelta(days=1))[PurgeRecord.Kind.NOT_SELECTED] == 0


def test_laureate_kept_while_its_pilot_runs_and_five_years_after_its_end(decided):
    target, _attachment, published = decided
    target.decision = ApplicationTarget.Decision.SELECTED
    target.selection_slot = 1
    target.save()
    pilot = Pilot.objects.create(
        application=target.application, participation=target.participation, state="running"
    )
    run(published.replace(year=2040))
    assert Application.objects.get(pk=target.application.pk).anonymised_at is None

    pilot.state = Pilot.State.COMPLETED
    pilot.actual_start = datetime.date(2025, 9, 1)
    pilot.actual_end = datetime.date(2027, 3, 31)
    pilot.save()
    # End of 31 March 2027, Paris time, + 5 years.
    due = datetime.datetime(2032, 4, 1, tzinfo=ZoneInfo("Europe/Paris"))
    run(due - SECOND)
    assert Application.objects.get(pk=target.application.pk).anonymised_at is None
    assert run(due)[PurgeRecord.Kind.LAUREATES] == 1
    assert Application.objects.get(pk=target.application.pk).anonymised_at is not None


def test_inactive_account_warned_then_deleted_after_three_years():
    last = datetime.datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
    user = UserFactory(last_login=last)
    active = UserFactory(last_login=last + datetime.timedelta(days=1))
    due = last.replace(year=2028)
    notice_at = due - datetime.timedelta(days=30)

    run(notice_at - SECOND)
    assert not OutboxMessage.objects.filter(kind=retention.INACTIVE_NOTICE_KIND).exists()
    run(notice_at)
    assert list(
        OutboxMessage.objects.filter(kind=retention.INACTIVE_NOTICE_KIND).values_list(
            "recipient_email", flat=True
        )
    ) == [user.email]
    run(due - SECOND)
    assert User.objects.filter(pk=user.pk).exists()
    assert run(due)[PurgeRecord.Kind.INACTIVE_ACCOUNTS] == 1
    assert not User.objects.filter(pk=user.pk).exists()
    assert User.objects.filter(pk=active.pk).exists()


def test_logging_in_after_the_notice_keeps_the_account():
    last = datetime.datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
    user = UserFactory(last_login=last)
    due = last.replace(year=2028)
    run(due - datetime.timedelta(days=30))
    User.objects.filter(pk=user.pk).update(last_login=due - datetime.timedelta(days=1))
    run(due + datetime.timedelta(days=60))
    assert User.objects.filter(pk=user.pk).exists()


def test_old_messages_pruned_after_twelve_months():
    sent_at = datetime.datetime(2025, 2, 1, 8, 0, tzinfo=UTC)
    with at(sent_at):
        old = OutboxMessage.objects.create(
            recipient_email="a@example.org",
            kind="call_closed",
            content_type_id=1,
            object_id=1,
            state=OutboxMessage.State.SENT,
            sent_at=sent_at,
        )
    due = sent_at.replace(year=2026)
    run(due - SECOND)
    assert OutboxMessage.objects.filter(pk=old.pk).exists()
    run(due)
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


def test_dry_run_lists_and_changes_nothing(draft, capsys):
    late = datetime.datetime(2030, 1, 1, tzinfo=UTC)
    run(late)  # the notice is queued
    before = (
        Application.objects.count(),
        OutboxMessage.objects.count(),
        PurgeRecord.objects.count(),
        User.objects.count(),
    )
    with at(late + datetime.timedelta(days=20)):
        call_command("apply_retention", "--dry-run")
    output = capsys.readouterr().out
    assert f"application {draft.pk}" in output
    assert "drafts: 1 would be handled" in output
    after = (
        Application.objects.count(),
        OutboxMessage.objects.count(),
        PurgeRecord.objects.count(),
        User.objects.count(),
    )
    assert before == after


def test_the_beat_task_is_scheduled(settings):
    assert settings.CELERY_BEAT_SCHEDULE["privacy-apply-retention"]["task"] == (
        "privacy.apply_retention"
    )
    from privacy.tasks import apply_retention

    assert apply_retention()[PurgeRecord.Kind.DRAFTS] == 0


def test_privacy_page_shows_the_durations_from_the_settings(client, settings):
    settings.QMI_RETENTION = {**settings.QMI_RETENTION, "DRAFT_MONTHS": 4, "NOT_SELECTED_YEARS": 6}
    html = client.get("/donnees-personnelles/").content.decode()
    assert "supprimés 4 mois après la clôture" in html
    assert "anonymisées 6 ans après la publication" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/donnees-personnelles/").content.decode()
    assert "deleted 4 months after the call closes" in html
