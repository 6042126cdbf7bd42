"""Publication of results turns every selected (application, commune) into one pilot, once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from applications.models import ApplicationTarget
from applications.services.results import publish_results
from applications.services.selection import decide, finalise_selection
from experimentations.models import Outcome, Pilot, Report
from experimentations.models.pilot import report_schedule
from experimentations.services.pilots import create_pilots_for_call
from tests.applications.staff_helpers import World, refresh
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db
Decision = ApplicationTarget.Decision


@pytest.fixture
def world():
    return World(quota_min=1, quota_max=2, closed=True, screened=True)


@pytest.fixture
def decided(world):
    both_a, both_b = world.application(world.a, world.b)
    solo = world.application(world.a)
    other = world.application(world.b)
    for manager, target, decision in (
        (world.manager_a, both_a, Decision.SELECTED),
        (world.manager_a, solo, Decision.NOT_SELECTED),
        (world.manager_b, both_b, Decision.SELECTED),
        (world.manager_b, other, Decision.SELECTED),
    ):
        decide(user=manager, target=refresh(target), decision=decision, motivation="M")
    finalise_selection(user=world.manager_a, participation=world.a)
    finalise_selection(user=world.manager_b, participation=world.b)
    return {"both_a": both_a, "both_b": both_b, "solo": solo, "other": other}


def _pairs():
    return set(Pilot.objects.values_list("application_id", "participation_id"))


def test_no_pilot_before_publication(world, decided):
    assert create_pilots_for_call(world.call) == 0
    assert not Pilot.objects.exists()


def test_publication_creates_one_pilot_per_selected_target(world, decided):
    publish_results(user=AdminFactory(), call=world.call)
    expected = {
        (t.application_id, t.participation_id)
        for t in (decided["both_a"], decided["both_b"], decided["other"])
    }
    assert _pairs() == expected
    pilot = Pilot.objects.get(participation=world.a)
    assert pilot.state == Pilot.State.PREPARING
    assert pilot.planned_start and pilot.planned_end > pilot.planned_start
    # Kick-off, six-monthly and final reports are scheduled with due dates.
    kinds = list(pilot.reports.values_list("kind", flat=True))
    assert kinds[0] == Report.Kind.KICKOFF and kinds[-1] == Report.Kind.FINAL
    assert Report.Kind.PERIODIC in kinds


def test_retried_publication_creates_nothing_twice(world, decided):
    admin = AdminFactory()
    publish_results(user=admin, call=world.call)
    reports = Report.objects.count()
    publish_results(user=admin, call=world.call)
    world.call.refresh_from_db()
    assert create_pilots_for_call(world.call) == 0
    assert Pilot.objects.count() == 3
    assert Report.objects.count() == reports


def test_a_lost_pilot_is_recreated_by_the_next_run(world, decided):
    publish_results(user=AdminFactory(), call=world.call)
    Pilot.objects.filter(participation=world.b).delete()
    world.call.refresh_from_db()
    assert create_pilots_for_call(world.call) == 2
    assert Pilot.objects.count() == 3
    assert all(p.reports.exists() for p in Pilot.objects.all())


def test_database_refuses_a_second_pilot_for_the_same_pair(world, decided):
    publish_results(user=AdminFactory(), call=world.call)
    pilot = Pilot.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Pilot.objects.create(application=pilot.application, participation=pilot.participation)


def test_a_failed_publication_leaves_no_pilot(world, decided):
    finalise = world.b
    finalise.selection_finalised_at = None
    finalise.save()
    with pytest.raises(ValidationError):
        publish_results(user=AdminFactory(), call=world.call)
    assert not Pilot.objects.exists()


def test_pilot_validation(world, decided):
    publish_results(user=AdminFactory(), call=world.call)
    pilot = Pilot.objects.select_related("application", "participation").first()
    pilot.state = Pilot.State.ABANDONED
    with pytest.raises(ValidationError) as error:
        pilot.full_clean()
    assert "abandon_reason" in error.value.message_dict
    pilot.state = Pilot.State.COMPLETED
    pilot.actual_start = datetime.date(2024, 1, 1)
    with pytest.raises(ValidationError) as error:
        pilot.full_clean()
    assert "actual_end" in error.value.message_dict
    pilot.actual_end = datetime.date(2023, 1, 1)
    with pytest.raises(ValidationError) as error:
        pilot.full_clean()
    assert "actual_end" in error.value.message_dict


def test_outcome_form_only_when_the_commune_goes_on(world, decided):
    publish_results(user=AdminFactory(), call=world.call)
    pilot = Pilot.objects.first()
    with pytest.raises(ValidationError):
        Outcome(pilot=pilot, continued="yes").full_clean()
    with pytest.raises(ValidationError):
        Outcome(pilot=pilot, continued="no", form="partnership").full_clean()
    Outcome(pilot=pilot, continued="yes", form="partnership").full_clean()


def test_report_schedule_for_eighteen_months():
    start = datetime.date(2025, 1, 15)
    schedule = report_schedule(start, datetime.date(2026, 7, 15))
    assert [(k, n) for k, n, _d in schedule] == [
        ("kickoff", 0),
        ("periodic", 1),
        ("periodic", 2),
        ("final", 0),
    ]
    assert schedule[1][2] == datetime.date(2025, 7, 15)
    assert schedule[-1][2] == datetime.date(2026, 8, 14)
    assert report_schedule(None, None) == []
