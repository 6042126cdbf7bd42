"""Guards on the selection, at their boundaries: eligible before selected, nothing
decided while the call is open, every application decided (or explicitly left
without a decision) before finalising, and a conflicted manager replaced."""

import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications.models import ApplicationTarget
from applications.services.review import declare_conflict
from applications.services.screening import screen
from applications.services.selection import decide, finalise_selection
from tests.applications.staff_helpers import World, refresh
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    ApplicationTargetFactory,
    TeamMembershipFactory,
)

pytestmark = pytest.mark.django_db

Decision = ApplicationTarget.Decision
Eligibility = ApplicationTarget.Eligibility


def _decide(user, target, decision=Decision.SELECTED):
    return decide(user=user, target=refresh(target), decision=decision, motivation="Motivé")


@pytest.fixture
def world():
    return World(quota_min=1, quota_max=3, closed=True)


def test_only_an_eligible_application_can_be_selected(world):
    pending = world.application(world.a)
    with pytest.raises(ValidationError) as error:
        _decide(world.manager_a, pending)
    assert "éligible" in str(error.value)
    assert refresh(pending).decision == "" and refresh(pending).selection_slot is None
    # Waiting list and refusal need no screening first.
    assert _decide(world.manager_a, pending, Decision.WAITING).decision == Decision.WAITING
    screen(user=world.manager_a, target=refresh(pending), eligibility=Eligibility.ELIGIBLE)
    assert _decide(world.manager_a, pending).selection_slot == 1
    ineligible = world.application(world.a, eligibility=Eligibility.INELIGIBLE)
    with pytest.raises(PermissionDenied):
        _decide(world.manager_a, ineligible)


def test_a_pending_application_cannot_be_selected_through_the_page(client, world):
    pending = world.application(world.a)
    client.force_login(world.manager_a)
    page = html.unescape(
        client.get(reverse("staff:application", args=[pending.pk])).content.decode()
    )
    assert "Seule une candidature déclarée éligible peut être retenue." in page
    response = client.post(
        reverse("staff:decide", args=[pending.pk]),
        {"decision": "selected", "motivation": "Ma motivation détaillée"},
    )
    assert response.status_code == 400
    body = html.unescape(response.content.decode())
    assert "examinez d’abord son éligibilité" in body
    assert "Ma motivation détaillée" in body


def test_nothing_is_decided_while_the_call_is_open(client, time_machine):
    world = World(quota_min=1, quota_max=3, screened=True)
    world.call.refresh_from_db()
    target = world.application(world.a)
    time_machine.move_to(world.call.closes_at - datetime.timedelta(seconds=1), tick=False)
    for decision in (Decision.SELECTED, Decision.WAITING, Decision.NOT_SELECTED):
        with pytest.raises(ValidationError) as error:
            _decide(world.manager_a, target, decision)
        assert "encore ouvert" in str(error.value)
    assert refresh(target).decision == ""
    client.force_login(world.manager_a)
    page = html.unescape(
        client.get(reverse("staff:application", args=[target.pk])).content.decode()
    )
    assert "Aucune décision tant que l’appel est ouvert." in page
    assert reverse("staff:decide", args=[target.pk]) not in page
    # At the deadline itself the call is closed: deciding works.
    time_machine.move_to(world.call.closes_at, tick=False)
    assert _decide(world.manager_a, target).decision == Decision.SELECTED


def test_finalising_needs_every_application_decided_or_ineligible(world):
    world.screened = True
    selected = world.application(world.a)
    _decide(world.manager_a, selected)
    undecided = world.application(world.a)
    world.application(world.a, eligibility=Eligibility.INELIGIBLE)  # counts as settled
    # Drafts and withdrawn applications are not waiting for a decision.
    world.draft(world.a)
    withdrawn = ApplicationFactory(call=world.call, submitted=True, state="withdrawn")
    ApplicationTargetFactory(application=withdrawn, participation=world.a)
    # Another commune's undecided applications do not block this one.
    world.application(world.b)

    with pytest.raises(ValidationError) as error:
        finalise_selection(user=world.manager_a, participation=world.a)
    assert "1 candidature n’a ni décision" in str(error.value)
    world.a.refresh_from_db()
    assert not world.a.is_finalised

    _decide(world.manager_a, undecided, Decision.NOT_SELECTED)
    finalise_selection(user=world.manager_a, participation=world.a)
    world.a.refresh_from_db()
    assert world.a.is_finalised


def test_an_explicit_no_decision_finalises(client, world):
    world.screened = True
    _decide(world.manager_a, world.application(world.a))
    world.application(world.a)
    world.application(world.a)
    client.force_login(world.manager_a)
    page = html.unescape(client.get(reverse("staff:dashboard", args=[world.a.pk])).content.decode())
    assert "2 candidatures n’ont ni décision ni avis de non-éligibilité." in page
    url = reverse("staff:finalise_selection", args=[world.a.pk])
    response = client.post(url)
    assert response.status_code == 400
    assert "2 candidatures n’ont ni décision" in html.unescape(response.content.decode())
    world.a.refresh_from_db()
    assert not world.a.is_finalised
    assert client.post(url, {"leave_undecided": "on"}).status_code == 302
    world.a.refresh_from_db()
    assert world.a.is_finalised


def test_another_manager_decides_for_a_conflicted_one(world):
    world.screened = True
    other_manager = world.manager_a
    conflicted = TeamMembershipFactory(commune=world.a.commune, role="manager").user
    target = world.application(world.a)
    declare_conflict(user=conflicted, target=target, reason="Associé")
    with pytest.raises(PermissionDenied):
        _decide(conflicted, target)
    assert _decide(other_manager, target).decided_by == other_manager


def test_an_admin_steps_in_for_a_commune_whose_only_manager_is_conflicted(client, world):
    target = world.application(world.a)
    declare_conflict(user=world.manager_a, target=refresh(target), reason="Mon entreprise")
    with pytest.raises(PermissionDenied):
        screen(user=world.manager_a, target=refresh(target), eligibility=Eligibility.ELIGIBLE)
    admin = AdminFactory()
    client.force_login(admin)
    page = client.get(reverse("staff:application", args=[target.pk])).content.decode()
    assert reverse("staff:screen", args=[target.pk]) in page
    assert reverse("staff:decide", args=[target.pk]) in page
    client.post(reverse("staff:screen", args=[target.pk]), {"eligibility": "eligible"})
    response = client.post(
        reverse("staff:decide", args=[target.pk]),
        {"decision": "selected", "motivation": "Décidé par la Métropole"},
    )
    assert response.status_code == 302
    target = refresh(target)
    assert (target.eligibility, target.decision, target.decided_by) == (
        Eligibility.ELIGIBLE,
        Decision.SELECTED,
        admin,
    )
    # An admin who is not conflicted still cannot act for a reviewer.
    with pytest.raises(PermissionDenied):
        _decide(world.reviewer_a, target, Decision.WAITING)
