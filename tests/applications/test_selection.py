"""Decisions per commune, the quota (also under concurrency), finalisation and reopening."""

import datetime
import html
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationTarget
from applications.services.selection import (
    QuotaReached,
    SelectionLocked,
    decide,
    finalise_selection,
    reopen_selection,
)
from tests.applications.staff_helpers import World, force_decision, refresh
from tests.factories import AdminFactory
from tests.typography import plain

Decision = ApplicationTarget.Decision


@pytest.fixture
def world(db):
    return World(quota_min=2, quota_max=3, closed=True, screened=True)


def _select(world, target, user=None):
    return decide(
        user=user or world.manager_a,
        target=refresh(target),
        decision=Decision.SELECTED,
        motivation="Projet convaincant",
    )


def test_decisions_take_and_free_seats(world):
    targets = [world.application(world.a) for _ in range(4)]
    assert [_select(world, t).selection_slot for t in targets[:3]] == [1, 2, 3]
    with pytest.raises(QuotaReached):
        _select(world, targets[3])
    decide(
        user=world.manager_a,
        target=refresh(targets[1]),
        decision=Decision.WAITING,
        motivation="En attente",
    )
    assert refresh(targets[1]).selection_slot is None
    assert _select(world, targets[3]).selection_slot == 2
    # Selecting an already selected application keeps its seat.
    assert _select(world, targets[3]).selection_slot == 2


def test_a_withdrawn_laureate_gives_its_seat_back(world):
    from applications.services.submission import withdraw_application

    targets = [world.application(world.a) for _ in range(4)]
    for target in targets[:3]:
        _select(world, target)
    member = targets[0].application.organisation.memberships.first().user
    withdraw_application(application=targets[0].application, user=member)
    assert refresh(targets[0]).decision == "" and refresh(targets[0]).selection_slot is None
    assert _select(world, targets[3]).selection_slot == 1


def test_quota_message_on_the_page_and_nothing_lost(client, world):
    targets = [world.application(world.a) for _ in range(4)]
    for target in targets[:3]:
        _select(world, target)
    client.force_login(world.manager_a)
    response = client.post(
        reverse("staff:decide", args=[targets[3].pk]),
        {"decision": "selected", "motivation": "Ma motivation détaillée"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Le nombre maximum de projets retenus (3) est atteint" in body
    assert "Ma motivation détaillée" in body


def test_motivation_is_required(client, world):
    target = world.application(world.a)
    client.force_login(world.manager_a)
    response = client.post(
        reverse("staff:decide", args=[target.pk]), {"decision": "not_selected", "motivation": ""}
    )
    assert response.status_code == 400
    assert refresh(target).decision == ""


def test_two_communes_decide_independently(world):
    target_a, target_b = world.application(world.a, world.b)
    _select(world, target_a)
    decide(
        user=world.manager_b,
        target=refresh(target_b),
        decision=Decision.NOT_SELECTED,
        motivation="Hors de nos défis",
    )
    assert refresh(target_a).decision == Decision.SELECTED
    assert refresh(target_b).decision == Decision.NOT_SELECTED
    with pytest.raises(PermissionDenied):
        _select(world, target_b, user=world.manager_a)


def test_finalise_only_within_the_quota_and_then_locked(client, world):
    targets = [world.application(world.a) for _ in range(3)]
    _select(world, targets[0])
    with pytest.raises(ValidationError) as error:
        finalise_selection(user=world.manager_a, participation=world.a)
    assert "entre 2 et 3" in str(error.value)
    _select(world, targets[1])
    with pytest.raises(PermissionDenied):
        finalise_selection(user=world.reviewer_a, participation=world.a)
    finalise_selection(user=world.manager_a, participation=world.a, leave_undecided=True)
    world.a.refresh_from_db()
    assert world.a.is_finalised
    with pytest.raises((SelectionLocked, PermissionDenied)):
        _select(world, targets[2])
    client.force_login(world.manager_a)
    response = client.post(
        reverse("staff:decide", args=[targets[2].pk]),
        {"decision": "selected", "motivation": "x"},
    )
    assert response.status_code == 403
    # Only a metropolis admin reopens.
    with pytest.raises(PermissionDenied):
        reopen_selection(user=world.manager_a, participation=world.a)
    reopen_selection(user=AdminFactory(), participation=world.a)
    world.a.refresh_from_db()
    assert not world.a.is_finalised
    assert _select(world, targets[2]).selection_slot == 3


def test_finalise_through_the_dashboard(client, world):
    for target in [world.application(world.a) for _ in range(2)]:
        _select(world, target)
    client.force_login(world.manager_a)
    response = client.post(reverse("staff:finalise_selection", args=[world.a.pk]))
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.selection_finalised_at is not None


def test_no_decision_once_results_are_published(world):
    target = world.application(world.a)
    world.call.results_published_at = timezone.now()
    world.call.save()
    with pytest.raises((SelectionLocked, PermissionDenied)):
        _select(world, target)


def test_the_database_refuses_a_selected_row_without_seat(world):
    from django.db import IntegrityError, transaction

    target = world.application(world.a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationTarget.objects.filter(pk=target.pk).update(decision=Decision.SELECTED)


@pytest.mark.django_db(transaction=True)
def test_quota_holds_under_concurrent_requests():
    """Many managers' requests at once: never more than quota_max selected.

    On PostgreSQL the threads really run at the same time against the row lock;
    SQLite serialises writers, so there they run one after the other.
    """
    world = World(quota_min=2, quota_max=3, closed=True, screened=True)
    targets = [refresh(world.application(world.a)) for _ in range(10)]
    outcomes = []
    barrier = threading.Barrier(len(targets))

    def attempt(target):
        try:
            barrier.wait(timeout=10)
            decide(
                user=world.manager_a,
                target=target,
                decision=Decision.SELECTED,
                motivation="En même temps",
            )
            outcomes.append("selected")
        except QuotaReached:
            outcomes.append("refused")
        finally:
            connection.close()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=attempt, args=(t,)) for t in targets]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        barrier = threading.Barrier(1)
        for target in targets:
            attempt(target)

    assert sorted(outcomes) == ["refused"] * 7 + ["selected"] * 3
    selected = ApplicationTarget.objects.filter(participation=world.a, decision=Decision.SELECTED)
    assert selected.count() == 3
    assert sorted(selected.values_list("selection_slot", flat=True)) == [1, 2, 3]


@pytest.fixture
def open_world(db):
    world = World(quota_min=2, quota_max=3, screened=True)
    world.call.refresh_from_db()
    # Selected before this rule existed (or the deadline was pushed back since).
    for slot in (1, 2):
        force_decision(world.application(world.a), Decision.SELECTED, slot)
    return world


def test_no_finalisation_until_the_deadline(open_world, time_machine):
    world = open_world
    time_machine.move_to(world.call.closes_at - datetime.timedelta(seconds=1), tick=False)
    with pytest.raises(ValidationError) as error:
        finalise_selection(user=world.manager_a, participation=world.a)
    assert "encore ouvert" in str(error.value)
    world.a.refresh_from_db()
    assert world.a.selection_finalised_at is None
    time_machine.move_to(world.call.closes_at, tick=False)
    finalise_selection(user=world.manager_a, participation=world.a)
    world.a.refresh_from_db()
    assert world.a.selection_finalised_at == world.call.closes_at


def test_finalising_an_open_call_through_the_dashboard_is_a_clear_400(client, open_world):
    world = open_world
    client.force_login(world.manager_a)
    response = client.post(reverse("staff:finalise_selection", args=[world.a.pk]))
    assert response.status_code == 400
    assert "encore ouvert aux candidatures" in html.unescape(response.content.decode())
    world.a.refresh_from_db()
    assert world.a.selection_finalised_at is None


def _finalise_button(client, world):
    page = client.get(reverse("staff:dashboard", args=[world.a.pk])).content.decode()
    action = reverse("staff:finalise_selection", args=[world.a.pk])
    return action in page, plain(html.unescape(page))


def test_dashboard_offers_finalisation_only_when_it_would_succeed(client, world, time_machine):
    client.force_login(world.manager_a)
    # Closed call, one selected for a minimum of two: a disabled button and the reason.
    _select(world, world.application(world.a))
    live, page = _finalise_button(client, world)
    assert not live
    assert "Retenez entre 2 et 3 projets" in page and "disabled" in page
    _select(world, world.application(world.a))
    live, page = _finalise_button(client, world)
    assert live
    # While the call is open, no button at all, only when it becomes possible.
    time_machine.move_to(world.call.closes_at - datetime.timedelta(seconds=1), tick=False)
    live, page = _finalise_button(client, world)
    assert not live
    assert "encore ouvert aux candidatures" in page
    assert "Finaliser la sélection" not in page


def test_sqlite_takes_the_write_lock_when_a_transaction_begins():
    """Two concurrent decisions queue on SQLite's lock rather than one failing with
    "database is locked" when its read lock cannot be upgraded."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 5


def test_a_decision_racing_a_colleague_on_sqlite_is_a_409_keeping_the_motivation(
    client, world, monkeypatch
):
    from django.db import OperationalError

    from applications.services import selection

    target = world.application(world.a)

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(selection, "decide", locked)
    client.force_login(world.manager_a)
    response = client.post(
        reverse("staff:decide", args=[target.pk]),
        {"decision": "selected", "motivation": "Très bon projet, à retenir"},
    )
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "au même instant" in page
    assert "Très bon projet, à retenir" in page
    assert refresh(target).decision == ""


# Lowering a quota: seats above the new maximum are renumbered, never handed out twice.


def _seats(participation):
    return sorted(
        ApplicationTarget.objects.filter(
            participation=participation, decision=Decision.SELECTED
        ).values_list("selection_slot", flat=True)
    )


def test_lowering_the_quota_renumbers_seats_so_none_is_handed_out_twice(world):
    world.a.quota_max = 5
    world.a.save()
    targets = [world.application(world.a) for _ in range(5)]
    for target in targets:
        _select(world, target)
    for target in targets[:3]:  # seats 1, 2 and 3 freed: 4 and 5 stay held
        decide(
            user=world.manager_a,
            target=refresh(target),
            decision=Decision.WAITING,
            motivation="En attente",
        )
    assert _seats(world.a) == [4, 5]
    participation = type(world.a).objects.get(pk=world.a.pk)
    participation.quota_min, participation.quota_max = 1, 2
    participation.save()
    assert _seats(world.a) == [1, 2]
    # The quota is now full: a third selection is refused, so 2 never becomes 3.
    with pytest.raises(QuotaReached):
        _select(world, world.application(world.a))
    assert _seats(world.a) == [1, 2]


def test_a_quota_below_the_selection_is_refused_in_the_back_office(client, world, admin_user):
    for _ in range(3):
        _select(world, world.application(world.a))
    client.force_login(admin_user)
    response = client.post(
        reverse("backoffice:participation_edit", args=[world.a.pk]),
        {
            "edition": world.a.edition_id,
            "commune": world.a.commune_id,
            "quarter_name": world.a.quarter_name,
            "quota_min": 1,
            "quota_max": 2,
            "challenges-TOTAL_FORMS": "0",
            "challenges-INITIAL_FORMS": "0",
            "challenges-MIN_NUM_FORMS": "0",
            "challenges-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 400
    assert "a déjà retenu 3 projets" in html.unescape(response.content.decode())
    world.a.refresh_from_db()
    assert world.a.quota_max == 3


def test_the_database_refuses_more_selected_than_quota_max(world):
    """Whatever writes (raw SQL, a missed lock): a seat is never above quota_max, and
    quota_max never falls below a held seat, so seats 1..quota_max bound the count."""
    from django.db import IntegrityError, transaction

    from calls.models import Participation

    target = world.application(world.a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationTarget.objects.filter(pk=target.pk).update(
            decision=Decision.SELECTED, selection_slot=world.a.quota_max + 1
        )
    _select(world, target)
    ApplicationTarget.objects.filter(pk=target.pk).update(selection_slot=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.filter(pk=world.a.pk).update(quota_min=1, quota_max=2)
    Participation.objects.filter(pk=world.a.pk).update(quota_max=5)  # raising is fine


@pytest.mark.django_db(transaction=True)
def test_a_lowered_quota_racing_two_selections_never_overfills():
    """PostgreSQL: an admin lowers quota_max from 3 to 2 while two managers select
    the third and a fourth project; whatever the order, at most quota_max are selected."""
    from calls.models import Participation

    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL")
    for _round in range(5):
        world = World(quota_min=1, quota_max=3, closed=True, screened=True)
        for _ in range(2):
            _select(world, world.application(world.a))
        racers = [refresh(world.application(world.a)) for _ in range(2)]
        barrier = threading.Barrier(3)
        errors = []

        def select(target, world=world, barrier=barrier, errors=errors):
            try:
                barrier.wait(timeout=10)
                _select(world, target)
            except (QuotaReached, ValidationError):
                pass
            except Exception as error:  # noqa: BLE001
                errors.append(error)
            finally:
                connection.close()

        def lower(world=world, barrier=barrier, errors=errors):
            try:
                barrier.wait(timeout=10)
                participation = Participation.objects.get(pk=world.a.pk)
                participation.quota_min, participation.quota_max = 1, 2
                participation.save()
            except ValidationError:
                pass
            except Exception as error:  # noqa: BLE001
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=select, args=(t,)) for t in racers]
        threads.append(threading.Thread(target=lower))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        quota_max = Participation.objects.get(pk=world.a.pk).quota_max
        seats = _seats(world.a)
        assert len(seats) <= quota_max
        assert all(1 <= seat <= quota_max for seat in seats)
