"""Deadline reminders: due at each offset in real hours, late runs catch up, never twice."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from applications.models import Application
from notifications.models import OutboxMessage, ReminderMute
from notifications.services.scheduling import queue_due_notifications
from tests.factories import ApplicationFactory, CallFactory, MembershipFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
H = datetime.timedelta(hours=1)
S = datetime.timedelta(seconds=1)


@pytest.fixture
def deadline():
    return datetime.datetime(2025, 3, 17, 23, 59, tzinfo=PARIS)


@pytest.fixture
def setup(deadline):
    call = CallFactory(
        opens_at=deadline - datetime.timedelta(days=30),
        closes_at=deadline,
        reminder_offsets_hours=[168, 24, 3],
    )
    draft = ApplicationFactory(call=call)
    members = [
        MembershipFactory(organisation=draft.organisation).user,
        MembershipFactory(organisation=draft.organisation, role="member").user,
    ]
    submitted = ApplicationFactory(call=call, submitted=True)
    withdrawn = ApplicationFactory(call=call, submitted=True, state=Application.State.WITHDRAWN)
    for application in (submitted, withdrawn):
        MembershipFactory(organisation=application.organisation)
    return {"call": call, "draft": draft, "members": members}


@pytest.fixture
def run_at(deliver_on_commit):
    """One beat run at a given time, with the after-commit delivery of what it queued."""

    def run(moment):
        with time_machine.travel(moment, tick=False), deliver_on_commit():
            return queue_due_notifications()["deadline_reminder"]

    return run


def reminders():
    return list(
        OutboxMessage.objects.filter(kind="deadline_reminder")
        .order_by("occasion", "recipient_email")
        .values_list("occasion", "recipient_email")
    )


def test_each_offset_is_sent_once_to_every_member_of_drafts_only(setup, deadline, run_at):
    emails = sorted(m.email for m in setup["members"])
    assert run_at(deadline - 168 * H - S) == 0
    assert run_at(deadline - 168 * H) == 2
    assert run_at(deadline - 168 * H + 10 * 60 * S) == 0  # the next beat run: nothing new
    assert run_at(deadline - 24 * H - S) == 0
    assert run_at(deadline - 24 * H) == 2
    assert run_at(deadline - 3 * H) == 2
    assert run_at(deadline - S) == 0
    assert run_at(deadline) == 0  # the call is closed: nothing, ever
    assert run_at(deadline + 3 * H) == 0
    assert reminders() == [
        ("reminder-168h", emails[0]),
        ("reminder-168h", emails[1]),
        ("reminder-24h", emails[0]),
        ("reminder-24h", emails[1]),
        ("reminder-3h", emails[0]),
        ("reminder-3h", emails[1]),
    ]
    assert {m.to[0] for m in mail.outbox} == set(emails)
    assert len(mail.outbox) == 6


def test_a_reminder_due_while_beat_was_down_is_sent_when_it_comes_back(setup, deadline, run_at):
    assert run_at(deadline - 170 * H) == 0
    # Beat is down from 170 h to 100 h before the deadline.
    assert run_at(deadline - 100 * H) == 2
    assert [o for o, _ in reminders()] == ["reminder-168h"] * 2
    # Down again over the 24 h reminder: the 3 h one supersedes it.
    assert run_at(deadline - 2 * H) == 2
    assert [o for o, _ in reminders()] == ["reminder-168h"] * 2 + ["reminder-3h"] * 2
    # Down over the deadline: nothing once the call has closed.
    ReminderMute.objects.all().delete()
    OutboxMessage.objects.filter(occasion="reminder-3h").delete()
    assert run_at(deadline + S) == 0


def test_offsets_are_real_hours_across_the_dst_change(run_at):
    """Paris moves to summer time on 30 March 2025 at 02:00 (UTC+1 -> UTC+2)."""
    deadline = datetime.datetime(2025, 4, 2, 12, 0, tzinfo=PARIS)  # CEST, 10:00 UTC
    call = CallFactory(
        opens_at=deadline - datetime.timedelta(days=30),
        closes_at=deadline,
        reminder_offsets_hours=[168, 3],
    )
    MembershipFactory(organisation=ApplicationFactory(call=call).organisation)
    # 168 h before is 26 March 11:00 winter time, not 12:00 (same UTC instant 10:00).
    assert run_at(datetime.datetime(2025, 3, 26, 10, 59, 59, tzinfo=PARIS)) == 0
    assert run_at(datetime.datetime(2025, 3, 26, 11, 0, tzinfo=PARIS)) == 1

    # On the DST night itself: deadline 30 March 05:00 CEST = 03:00 UTC;
    # 3 h before is 01:00 CET (00:00 UTC), although the clock shows 4 h between them.
    night = datetime.datetime(2025, 3, 30, 5, 0, tzinfo=PARIS)
    night_call = CallFactory(
        opens_at=night - datetime.timedelta(days=30), closes_at=night, reminder_offsets_hours=[3]
    )
    MembershipFactory(organisation=ApplicationFactory(call=night_call).organisation)
    assert run_at(datetime.datetime(2025, 3, 30, 0, 59, 59, tzinfo=PARIS)) == 0
    assert run_at(datetime.datetime(2025, 3, 30, 1, 0, tzinfo=PARIS)) == 1
    assert run_at(datetime.datetime(2025, 3, 30, 3, 30, tzinfo=PARIS)) == 0  # once


def test_the_command_does_the_work_once_and_twice_sends_nothing_new(
    setup, deadline, deliver_on_commit
):
    out = StringIO()
    with time_machine.travel(deadline - 20 * H, tick=False), deliver_on_commit():
        call_command("send_due_reminders", stdout=out)
        call_command("send_due_reminders", stdout=out)
    assert "deadline_reminder: 2" in out.getvalue()
    assert "deadline_reminder: 0" in out.getvalue()
    assert len(mail.outbox) == 2
    assert {m.to[0] for m in mail.outbox} == {m.email for m in setup["members"]}


def test_the_beat_task_queues_and_delivers(setup, deadline, deliver_on_commit):
    from notifications.tasks import send_due_reminders

    with time_machine.travel(deadline - 2 * H, tick=False), deliver_on_commit():
        send_due_reminders.delay()
        send_due_reminders.delay()
    assert len(mail.outbox) == 2


def test_reminders_carry_list_unsubscribe_and_can_be_muted_per_call(
    setup, deadline, client, run_at
):
    other_call = CallFactory(closes_at=deadline, opens_at=deadline - datetime.timedelta(days=9))
    member = setup["members"][0]
    MembershipFactory(user=member, organisation=ApplicationFactory(call=other_call).organisation)
    assert run_at(deadline - 100 * H) == 3
    sent = next(
        m for m in mail.outbox if m.to == [member.email] and setup["call"].title in m.subject
    )
    header = sent.extra_headers["List-Unsubscribe"]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = header.strip("<>")
    assert link in sent.body
    html = sent.alternatives[0][0]
    assert link in html

    # One-click unsubscribe (RFC 8058): a POST without session nor CSRF token.
    path = link.removeprefix("http://127.0.0.1:8000")
    assert "Me désabonner" in client.get(path).content.decode()
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert ReminderMute.objects.filter(email=member.email, call=setup["call"]).exists()
    mail.outbox.clear()
    assert run_at(deadline - 2 * H) == 2  # the other member, and the other call
    assert sorted((m.to[0], other_call.title in m.subject) for m in mail.outbox) == sorted(
        [(setup["members"][1].email, False), (member.email, True)]
    )


def test_forged_unsubscribe_links_are_refused(client):
    assert client.get("/notifications/desabonnement/forged-token/").status_code == 404
    assert client.post("/notifications/desabonnement/forged-token/").status_code == 404
