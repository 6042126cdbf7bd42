"""First come, first served under real concurrency (PostgreSQL): 20 companies booking
at once never end up two in one slot, and one company never holds two slots."""

import threading

import pytest
from django.db import connection

from auditions import services
from auditions.models import Booking
from tests.auditions.helpers import invited, member_of, slot, world

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


def _race(calls):
    """Run each call in its own thread (its own connection), all released at once."""
    barrier = threading.Barrier(len(calls))
    outcomes, errors = [], []

    def run(call):
        try:
            barrier.wait(timeout=20)
            call()
            outcomes.append("booked")
        except services.SlotTaken:
            outcomes.append("taken")
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, errors


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (CI runs it in its PostgreSQL leg)")


def test_20_companies_booking_5_slots_at_once(postgresql):
    w = world()
    slots = [slot(w.a, hours=48 + i) for i in range(5)]
    entries = invited(w, count=THREADS)
    calls = [
        lambda entry=entry, chosen=slots[i % 5]: services.book(
            user=member_of(entry.target), entry=entry, slot_id=chosen.pk
        )
        for i, entry in enumerate(entries)
    ]
    outcomes, errors = _race(calls)
    assert not errors
    assert sorted(outcomes) == ["booked"] * 5 + ["taken"] * 15
    bookings = Booking.objects.filter(slot__participation=w.a)
    assert sorted(bookings.values_list("slot_id", flat=True)) == sorted(s.pk for s in slots)
    assert bookings.values("entry").distinct().count() == 5


def test_20_companies_racing_for_one_slot(postgresql):
    w = world()
    only = slot(w.a)
    entries = invited(w, count=THREADS)
    calls = [
        lambda entry=entry: services.book(
            user=member_of(entry.target), entry=entry, slot_id=only.pk
        )
        for entry in entries
    ]
    outcomes, errors = _race(calls)
    assert not errors
    assert sorted(outcomes) == ["booked"] + ["taken"] * (THREADS - 1)
    assert Booking.objects.filter(slot=only).count() == 1


def test_one_company_booking_20_slots_at_once_gets_one(postgresql):
    from django.core.exceptions import ValidationError

    w = world()
    slots = [slot(w.a, hours=48 + i) for i in range(THREADS)]
    (entry,) = invited(w)
    member = member_of(entry.target)
    refused = []

    def book(chosen):
        try:
            services.book(user=member, entry=entry, slot_id=chosen.pk)
        except ValidationError:
            refused.append(chosen.pk)
            raise services.SlotTaken("refused") from None

    outcomes, errors = _race([lambda chosen=chosen: book(chosen) for chosen in slots])
    assert not errors
    assert outcomes.count("booked") == 1
    assert len(refused) == THREADS - 1
    assert Booking.objects.filter(entry=entry).count() == 1
