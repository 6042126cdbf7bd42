"""Commune teams: "the call has closed: N to review", then a reminder for pending reviews."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from applications.models import Application, Review
from communes.models import TeamMembership
from notifications.models import OutboxMessage
from notifications.services.scheduling import queue_due_notifications
from tests.factories import (
    ApplicationFactory,
    ApplicationTargetFactory,
    CallFactory,
    ParticipationFactory,
    TeamMembershipFactory,
)
from tests.typography import plain

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_call():
    closes = timezone.now() - datetime.timedelta(hours=1)
    call = CallFactory(opens_at=closes - datetime.timedelta(days=30), closes_at=closes)
    participation = ParticipationFactory(call=call)
    other = ParticipationFactory(call=call)
    for _ in range(3):
        ApplicationTargetFactory(
            participation=participation, application=ApplicationFactory(call=call, submitted=True)
        )
    withdrawn = ApplicationFactory(call=call, submitted=True, state=Application.State.WITHDRAWN)
    ApplicationTargetFactory(participation=participation, application=withdrawn)
    ApplicationTargetFactory(
        participation=participation, application=ApplicationFactory(call=call)
    )  # a draft
    manager = TeamMembershipFactory(commune=participation.commune, role=TeamMembership.Role.MANAGER)
    reviewer = TeamMembershipFactory(commune=participation.commune)
    outsider = TeamMembershipFactory(commune=other.commune)
    return {
        "call": call,
        "participation": participation,
        "manager": manager.user,
        "reviewer": reviewer.user,
        "outsider": outsider.user,
    }


def run(moment, deliver_on_commit):
    with time_machine.travel(moment, tick=False), deliver_on_commit():
        return queue_due_notifications()


def test_each_commune_team_is_told_the_call_closed_with_its_count(closed_call, deliver_on_commit):
    counts = run(timezone.now(), deliver_on_commit)
    assert counts["call_closed"] == 3
    assert run(timezone.now(), deliver_on_commit)["call_closed"] == 0
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "3 candidatures à examiner" in plain(by_recipient[closed_call["reviewer"].email].subject)
    assert "3 candidatures à examiner" in plain(by_recipient[closed_call["manager"].email].subject)
    assert "0 candidature" in by_recipient[closed_call["outsider"].email].subject


def test_reviewers_with_pending_reviews_are_reminded_once_some_days_after_the_close(
    closed_call, deliver_on_commit
):
    participation = closed_call["participation"]
    targets = list(participation.targets.filter(application__state="submitted"))
    reviewer, manager = closed_call["reviewer"], closed_call["manager"]
    for target in targets:  # the manager has done everything
        Review.objects.create(target=target, reviewer=manager, state=Review.State.SUBMITTED)
    Review.objects.create(target=targets[0], reviewer=reviewer, state=Review.State.SUBMITTED)
    Review.objects.create(
        target=targets[1], reviewer=reviewer, conflict_of_interest=True, conflict_reason="x"
    )
    closes = closed_call["call"].closes_at
    assert run(closes + datetime.timedelta(days=6), deliver_on_commit)["review_reminder"] == 0
    mail.outbox.clear()
    assert run(closes + datetime.timedelta(days=7), deliver_on_commit)["review_reminder"] == 1
    assert run(closes + datetime.timedelta(days=8), deliver_on_commit)["review_reminder"] == 0
    [reminder] = mail.outbox
    assert reminder.to == [reviewer.email]
    assert "1 évaluation en attente" in reminder.subject
    assert "List-Unsubscribe" in reminder.extra_headers
    assert OutboxMessage.objects.get(kind="review_reminder").occasion == "review-7d"


def test_no_team_notice_once_results_are_published(closed_call, deliver_on_commit):
    closed_call["call"].results_published_at = timezone.now()
    closed_call["call"].save()
    counts = run(timezone.now() + datetime.timedelta(days=7), deliver_on_commit)
    assert counts["call_closed"] == counts["review_reminder"] == 0
