"""Deadline reminders in bulk: each member of each draft once, and a run where
nothing is due costs the same few queries whatever the number of drafts."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services.scheduling import queue_deadline_reminders
from tests.factories import ApplicationFactory, CallFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _add_drafts(call, count):
    for _ in range(count):
        membership = MembershipFactory()
        MembershipFactory(organisation=membership.organisation)
        ApplicationFactory(call=call, organisation=membership.organisation)


def test_each_member_once_and_nothing_due_costs_a_few_queries(django_assert_max_num_queries):
    call = CallFactory(closes_at=timezone.now() + datetime.timedelta(hours=20))
    now = timezone.now()
    counts = []
    for added in (2, 9):
        _add_drafts(call, added)
        assert queue_deadline_reminders(now, chunk_size=3) == 2 * added
        with django_assert_max_num_queries(6) as captured:
            assert queue_deadline_reminders(now) == 0
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    keys = OutboxMessage.objects.values_list("recipient_email", "object_id", "occasion")
    assert len(set(keys)) == len(keys) == 22
