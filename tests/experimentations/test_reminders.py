"""Report reminders: 7 days before and once overdue, each once, through the outbox."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from experimentations.models import Report
from notifications.models import OutboxMessage
from notifications.services import render_message
from notifications.services.scheduling import queue_due_notifications
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def report(pw):
    """The kick-off report of pilot A, due on 15 April 2030; the organisation has 2 members."""
    Report.objects.exclude(pilot=pw.pilot_a, kind="kickoff").update(
        due_on=datetime.date(2031, 1, 1)
    )
    MembershipFactory(organisation=pw.pilot_a.application.organisation, role="member")
    report = pw.pilot_a.reports.get(kind="kickoff")
    report.due_on = datetime.date(2030, 4, 15)
    report.save()
    return report


def run_at(moment, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return queue_due_notifications()["report_reminder"]


def at(day, hour=9):
    return datetime.datetime(2030, 4, day, hour, tzinfo=PARIS)


def occasions():
    return sorted(
        OutboxMessage.objects.filter(kind="report_reminder").values_list("occasion", flat=True)
    )


def test_nothing_before_seven_days(report, django_capture_on_commit_callbacks):
    assert run_at(at(7), django_capture_on_commit_callbacks) == 0


def test_seven_days_before_then_overdue_once_each(pw, report, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert run_at(at(8), capture) == 2  # both members
    assert run_at(at(8, 18), capture) == 0
    assert run_at(at(14), capture) == 0
    assert run_at(at(15, 23), capture) == 0  # due today: not late yet
    assert run_at(at(16, 0), capture) == 2
    assert run_at(at(20), capture) == 0
    assert occasions() == ["due-7d", "due-7d", "overdue", "overdue"]
    assert len(mail.outbox) == 4
    message = OutboxMessage.objects.filter(kind="report_reminder", occasion="overdue").first()
    subject, body, _html = render_message(message)
    assert "retard" in subject and pw.pilot_a.application.title in subject
    assert "/experimentations/" in body


def test_a_late_run_sends_only_the_overdue_reminder(report, django_capture_on_commit_callbacks):
    assert run_at(at(25), django_capture_on_commit_callbacks) == 2
    assert occasions() == ["overdue", "overdue"]


def test_filed_or_abandoned_reports_are_not_reminded(
    pw, report, django_capture_on_commit_callbacks
):
    from experimentations.services.reports import file_report

    file_report(user=pw.member_a, report=report, text="Fait")
    assert run_at(at(8), django_capture_on_commit_callbacks) == 0
    pw.pilot_b.reports.filter(kind="kickoff").update(due_on=datetime.date(2030, 4, 15))
    type(pw.pilot_b).objects.filter(pk=pw.pilot_b.pk).update(
        state="abandoned", abandon_reason="Arrêt"
    )
    assert run_at(at(20), django_capture_on_commit_callbacks) == 0


def test_the_command_includes_report_reminders(report):
    out = StringIO()
    with time_machine.travel(at(8), tick=False):
        call_command("send_due_reminders", stdout=out)
        call_command("send_due_reminders", stdout=out)
    assert "report_reminder: 2" in out.getvalue()
    assert "report_reminder: 0" in out.getvalue()
    assert OutboxMessage.objects.filter(kind="report_reminder").count() == 2
