"""A call's state comes from time alone: the boundaries, DST days included."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from calls.models import Call
from qmi.templatetags.qmi_tags import paris_datetime
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
SECOND = datetime.timedelta(seconds=1)
UTC = datetime.UTC


def assert_boundary(call):
    # From the database the deadline is in UTC: Python subtracts wall-clock time
    # within one zone, which would be wrong across a DST change.
    call.refresh_from_db()
    assert call.closes_at.utcoffset() == datetime.timedelta(0)
    just_before = call.closes_at - SECOND
    assert call.is_open(just_before)
    assert call.state(just_before) == Call.State.OPEN
    assert list(Call.objects.open(now=just_before)) == [call]
    assert not call.is_open(call.closes_at)
    assert call.state(call.closes_at) == Call.State.CLOSED
    assert list(Call.objects.open(now=call.closes_at)) == []
    assert list(Call.objects.closed(now=call.closes_at)) == [call]


def test_open_one_second_before_the_deadline_closed_at_it():
    closes = datetime.datetime(2025, 3, 17, 23, 59, tzinfo=PARIS)
    call = CallFactory(opens_at=closes - datetime.timedelta(days=30), closes_at=closes)
    assert_boundary(call)
    assert paris_datetime(call.closes_at) == "17 mars 2025 à 23 h 59 (heure de Paris)"


def test_upcoming_until_opening():
    opens = datetime.datetime(2025, 3, 1, 9, tzinfo=PARIS)
    call = CallFactory(opens_at=opens, closes_at=opens + datetime.timedelta(days=10))
    assert call.state(opens - SECOND) == Call.State.UPCOMING
    assert list(Call.objects.upcoming(now=opens - SECOND)) == [call]
    assert call.state(opens) == Call.State.OPEN


def test_spring_forward_30_march_2025():
    # 02:00 → 03:00 in Paris: a deadline at 03:00 CEST is 01:00 UTC.
    closes = datetime.datetime(2025, 3, 30, 3, 0, tzinfo=PARIS)
    assert closes.astimezone(UTC) == datetime.datetime(2025, 3, 30, 1, 0, tzinfo=UTC)
    call = CallFactory(opens_at=closes - datetime.timedelta(days=7), closes_at=closes)
    assert_boundary(call)
    # One second before the deadline, the clocks in Paris still read 01:59:59 CET.
    before = timezone.localtime(call.closes_at - SECOND, PARIS)
    assert (before.hour, before.minute, before.second) == (1, 59, 59)
    assert paris_datetime(call.closes_at) == "30 mars 2025 à 03 h 00 (heure de Paris)"


def test_fall_back_26_october_2025():
    # 03:00 → 02:00 in Paris: 02:30 happens twice; the later one is 01:30 UTC.
    closes = datetime.datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=PARIS)
    assert closes.astimezone(UTC) == datetime.datetime(2025, 10, 26, 1, 30, tzinfo=UTC)
    call = CallFactory(opens_at=closes - datetime.timedelta(days=7), closes_at=closes)
    # The first 02:30 (CEST), one hour earlier, is still open.
    first_half_past_two = datetime.datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert call.is_open(first_half_past_two)
    assert_boundary(call)
    assert paris_datetime(call.closes_at) == "26 octobre 2025 à 02 h 30 (heure de Paris)"


def test_deadline_at_midnight_on_dst_days_shown_in_paris_time():
    spring = datetime.datetime(2025, 3, 30, 23, 59, tzinfo=PARIS)
    autumn = datetime.datetime(2025, 10, 26, 23, 59, tzinfo=PARIS)
    assert spring.astimezone(UTC).hour == 21  # CEST, UTC+2
    assert autumn.astimezone(UTC).hour == 22  # CET, UTC+1
    for closes in (spring, autumn):
        call = CallFactory(opens_at=closes - datetime.timedelta(days=7), closes_at=closes)
        assert_boundary(call)
        assert "à 23 h 59 (heure de Paris)" in paris_datetime(call.closes_at)
        call.delete()


def test_draft_never_open_even_within_its_dates():
    call = CallFactory(published_at=None)
    assert not call.is_open()
    assert call.state() == Call.State.DRAFT
    assert not Call.objects.open().exists()


def test_results_published_state():
    call = CallFactory(
        opens_at=timezone.now() - datetime.timedelta(days=30),
        closes_at=timezone.now() - datetime.timedelta(days=10),
        results_published_at=timezone.now(),
    )
    assert call.state() == Call.State.RESULTS
    assert list(Call.objects.with_results()) == [call]
