"""Conflicts of interest: membership of the applicant organisation, frozen after finalisation."""

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from applications.models import ApplicationTarget, OrganisationMembership, Review, TeamNote
from applications.permissions.staff import (
    can_add_note,
    can_decide,
    can_review,
    can_screen,
    can_see_colleague_reviews,
    has_conflict,
)
from applications.services import review as review_service
from tests.applications.staff_helpers import World, refresh
from tests.typography import plain

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World(quota_min=1, quota_max=3, closed=True, screened=True)


@pytest.fixture
def own_target(world):
    """An application of an organisation the commune's manager belongs to."""
    target = world.application(world.a)
    OrganisationMembership.objects.create(
        organisation=target.application.organisation, user=world.manager_a
    )
    world.submitted_review(target, world.reviewer_a, [5, 5])
    return refresh(target)


def test_membership_of_the_applicant_is_a_conflict_for_every_staff_action(world, own_target):
    manager = world.manager_a
    assert has_conflict(manager, own_target)
    assert not can_screen(manager, own_target)
    assert not can_review(manager, own_target)
    assert not can_decide(manager, own_target)
    assert not can_add_note(manager, own_target)
    assert not can_see_colleague_reviews(manager, own_target, None)
    with pytest.raises(PermissionDenied):
        review_service.save_review(
            user=manager, target=own_target, scores={}, comment="Excellent projet"
        )
    # A colleague who is not a member is not affected.
    other = world.application(world.a)
    assert not has_conflict(manager, refresh(other))
    assert can_decide(manager, refresh(other))


def test_the_pages_refuse_the_member_and_hide_the_scores(client, world, own_target):
    client.force_login(world.manager_a)
    for name, data in [
        ("screen", {"eligibility": "eligible", "reason": ""}),
        ("decide", {"decision": "selected", "motivation": "Le nôtre"}),
        ("save_review", {"comment": "Parfait", "action": "submit"}),
        ("add_note", {"body": "Je connais bien"}),
    ]:
        response = client.post(reverse(f"staff:{name}", args=[own_target.pk]), data)
        assert response.status_code in (400, 403), name
    target = ApplicationTarget.objects.get(pk=own_target.pk)
    assert target.decision == ""
    assert not TeamNote.objects.exists()
    assert not Review.objects.filter(reviewer=world.manager_a).exists()
    page = html.unescape(
        client.get(reverse("staff:application", args=[own_target.pk])).content.decode()
    )
    assert "5,0" not in page and "5.0" not in page
    dashboard = html.unescape(
        client.get(reverse("staff:dashboard", args=[world.a.pk])).content.decode()
    )
    assert "conflit d'intérêts" in plain(dashboard)


def test_once_the_selection_is_finalised_reviews_and_conflicts_are_frozen(client, world):
    from applications.services.selection import decide, finalise_selection

    target = world.application(world.a)
    review = world.submitted_review(target, world.reviewer_a, [4, 2])
    decide(
        user=world.manager_a,
        target=refresh(target),
        decision=ApplicationTarget.Decision.SELECTED,
        motivation="Retenu",
    )
    finalise_selection(user=world.manager_a, participation=world.a)
    target = refresh(target)
    with pytest.raises(PermissionDenied):
        review_service.declare_conflict(user=world.reviewer_a, target=target, reason="Après coup")
    with pytest.raises(PermissionDenied):
        review_service.save_review(
            user=world.reviewer_a, target=target, scores={c.pk: 0 for c in world.criteria}
        )
    client.force_login(world.reviewer_a)
    response = client.post(
        reverse("staff:declare_conflict", args=[target.pk]), {"reason": "Après coup"}
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert (review.state, review.conflict_of_interest) == ("submitted", False)
    assert sorted(review.scores.values_list("score", flat=True)) == [2, 4]


def test_unticking_a_commune_keeps_the_team_work_and_reticking_brings_it_back():
    from django.utils import timezone

    from applications.services.drafting import set_targets
    from applications.services.screening import screen

    world = World()  # the call is open: the candidate may still change communes
    target_a, target_b = world.application(world.a, world.b)
    screen(user=world.manager_a, target=refresh(target_a), eligibility="eligible")
    world.submitted_review(target_a, world.reviewer_a, [4, 3])
    TeamNote.objects.create(target=target_a, author=world.reviewer_a, body="Très prometteur")
    application = target_a.application

    set_targets(application, [world.b], timezone.now())  # commune A unticked
    assert list(application.targets.values_list("participation", flat=True)) == [world.b.pk]
    assert not ApplicationTarget.objects.filter(pk=target_a.pk).exists()  # out of every list
    kept = ApplicationTarget.with_withdrawn.get(pk=target_a.pk)
    assert kept.withdrawn_at is not None and kept.eligibility == "eligible"
    assert Review.objects.filter(target=kept).count() == 1
    assert TeamNote.objects.filter(target=kept).count() == 1
    from applications.models import Application

    assert not Application.objects.visible_to(world.reviewer_a).exists()

    set_targets(application, [world.a, world.b], timezone.now())  # ticked again
    back = ApplicationTarget.objects.get(pk=target_a.pk)
    assert back.withdrawn_at is None and back.eligibility == "eligible"
    assert back.reviews.count() == 1 and back.notes.count() == 1
    assert Application.objects.visible_to(world.reviewer_a).get() == application


def test_a_commune_nobody_worked_on_is_simply_removed():
    from django.utils import timezone

    from applications.services.drafting import set_targets

    world = World()
    target_a, _target_b = world.application(world.a, world.b)
    set_targets(target_a.application, [world.b], timezone.now())
    assert not ApplicationTarget.with_withdrawn.filter(pk=target_a.pk).exists()
