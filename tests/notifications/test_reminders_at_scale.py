"""Deadline reminders in bulk: each member of each draft once, and a run where
nothing is due costs the same few queries whatever the number of drafts."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import OutboxMessage
from notifications.services.scheduling import queue_deadline_reminders
from tests.factories import ApplicationFactory, CallFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _call_with_drafts(count):
    call = CallFactory(closes_at=timezone.now() + datetime.timedelta(hours=20))
    for _ in range(count):
        membership = MembershipFactory()
        MembershipFactory(organisation=membership.organisation)
        ApplicationFactory(call=call, organisation=membership.organisation)
    return call


def _second_run_queries(count, django_assert_max_num_queries):
    _call_with_drafts(count)
    now = timezone.now()
    before = OutboxMessage.objects.filter(kind="deadline_reminder").count()
    assert queue_deadline_reminders(now, chunk_size=3) == 2 * count
    assert OutboxMessage.objects.filter(kind="deadline_reminder").count() == before + 2 * count
    with django_assert_max_num_queries(6) as captured:
        assert queue_deadline_reminders(now) == 0
    return len(captured.captured_queries)


def test_each_member_once_and_nothing_due_costs_a_few_queries(django_assert_max_num_queries):
    assert _second_run_queries(2, django_assert_max_num_queries) == _second_run_queries(
        9, django_assert_max_num_queries
    )
    keys = OutboxMessage.objects.values_list("recipient_email", "object_id", "occasion")
    assert len(set(keys)) == len(keys) == 22
