"""The score and review count kept on each row equal the ones computed from the
reviews, after every kind of change, and the dashboard reads them."""

import pytest

from applications.models import ApplicationTarget, OrganisationMembership, Review
from applications.selectors.staff import DashboardFilters, dashboard_rows
from applications.services.review import declare_conflict, save_review
from applications.services.scores import stale_targets
from applications.services.submission import withdraw_application
from tests.applications.staff_helpers import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World(hide_reviews=False)


def _assert_fresh(world):
    assert stale_targets(ApplicationTarget.objects.filter(participation__call=world.call)) == []


def _row(world, target):
    return ApplicationTarget.objects.get(pk=target.pk)


def test_review_saved_then_corrected(world):
    target = world.application(world.a)
    a, b = world.criteria
    save_review(
        user=world.reviewer_a,
        target=target,
        scores={a.pk: 5, b.pk: 2},
        recommendation="select",
        submit=True,
    )
    row = _row(world, target)
    assert row.review_count == 1
    assert row.score == pytest.approx(4.0)  # (5*2 + 2*1) / 3
    _assert_fresh(world)

    save_review(
        user=world.reviewer_a,
        target=target,
        scores={a.pk: 2, b.pk: 2},
        recommendation="no",
        submit=True,
    )
    assert _row(world, target).score == pytest.approx(2.0)
    _assert_fresh(world)


def test_a_draft_does_not_count(world):
    target = world.application(world.a)
    a, _b = world.criteria
    save_review(user=world.reviewer_a, target=target, scores={a.pk: 4})
    row = _row(world, target)
    assert (row.review_count, row.score) == (0, None)
    _assert_fresh(world)


def test_conflict_declared_removes_the_review_from_the_score(world):
    target = world.application(world.a)
    world.submitted_review(target, world.reviewer_a, [5, 5])
    world.submitted_review(target, world.reviewer_a2, [1, 1])
    assert _row(world, target).score == pytest.approx(3.0)
    declare_conflict(user=world.reviewer_a, target=target, reason="ancien associé")
    row = _row(world, target)
    assert (row.review_count, row.score) == (1, pytest.approx(1.0))
    _assert_fresh(world)


def test_application_withdrawn_leaves_scores_right_and_the_dashboard(world):
    target = world.application(world.a)
    world.submitted_review(target, world.reviewer_a, [4, 4])
    member = OrganisationMembership.objects.filter(
        organisation=target.application.organisation
    ).first()
    withdraw_application(application=target.application, user=member.user)
    _assert_fresh(world)
    assert not dashboard_rows(world.manager_a, world.a, DashboardFilters()).exists()


def test_criterion_weight_changed_and_review_deleted(world):
    target = world.application(world.a)
    review = world.submitted_review(target, world.reviewer_a, [5, 2])
    world.submitted_review(target, world.reviewer_a2, [1, 1])
    innovation = world.criteria[0]
    innovation.weight = 5
    innovation.save()
    _assert_fresh(world)
    review.delete()
    row = _row(world, target)
    assert (row.review_count, row.score) == (1, pytest.approx(1.0))
    _assert_fresh(world)


def test_the_dashboard_reads_the_maintained_score(world):
    target = world.application(world.a)
    world.submitted_review(target, world.reviewer_a, [5, 2])
    # Something that bypassed the services: the page shows what is maintained.
    ApplicationTarget.objects.filter(pk=target.pk).update(score=1.5)
    row = dashboard_rows(world.manager_a, world.a, DashboardFilters()).get()
    assert row.visible_score == pytest.approx(1.5)
    assert stale_targets(ApplicationTarget.objects.filter(pk=target.pk)) != []


def test_hidden_until_i_submit_and_never_under_my_conflict():
    world = World(hide_reviews=True)
    target = world.application(world.a)
    world.submitted_review(target, world.reviewer_a2, [5, 5])
    row = dashboard_rows(world.reviewer_a, world.a, DashboardFilters()).get()
    assert row.visible_score is None and row.review_count == 1
    world.submitted_review(target, world.reviewer_a, [3, 3])
    row = dashboard_rows(world.reviewer_a, world.a, DashboardFilters()).get()
    assert row.visible_score == pytest.approx(4.0)
    other = world.application(world.a)
    world.submitted_review(other, world.reviewer_a2, [2, 2])
    Review.objects.create(target=other, reviewer=world.manager_a, conflict_of_interest=True)
    rows = {r.pk: r for r in dashboard_rows(world.manager_a, world.a, DashboardFilters())}
    assert rows[other.pk].my_conflict and rows[other.pk].visible_score is None
    assert rows[target.pk].visible_score == pytest.approx(4.0)


def test_target_withdrawn_then_ticked_again_keeps_its_score_right():
    from django.utils import timezone

    from applications.services.drafting import set_targets

    world = World(hide_reviews=False)  # the call is open: the candidate may change communes
    target_a, target_b = world.application(world.a, world.b)
    a, b = world.criteria
    save_review(
        user=world.reviewer_a,
        target=target_a,
        scores={a.pk: 5, b.pk: 2},
        recommendation="select",
        submit=True,
    )
    save_review(
        user=world.reviewer_b,
        target=target_b,
        scores={a.pk: 1, b.pk: 4},
        recommendation="no",
        submit=True,
    )
    every_row = ApplicationTarget.with_withdrawn.filter(participation__call=world.call)

    set_targets(target_a.application, [world.b], timezone.now())  # commune A unticked
    withdrawn = ApplicationTarget.with_withdrawn.get(pk=target_a.pk)
    assert withdrawn.withdrawn_at is not None
    assert (withdrawn.review_count, withdrawn.score) == (1, pytest.approx(4.0))
    assert stale_targets(every_row) == []
    assert not dashboard_rows(world.manager_a, world.a, DashboardFilters()).exists()
    assert dashboard_rows(world.manager_b, world.b, DashboardFilters()).get().visible_score == (
        pytest.approx(2.0)
    )

    set_targets(target_a.application, [world.a, world.b], timezone.now())  # ticked again
    row = dashboard_rows(world.manager_a, world.a, DashboardFilters()).get()
    assert (row.review_count, row.visible_score) == (1, pytest.approx(4.0))
    save_review(
        user=world.reviewer_a,
        target=target_a,
        scores={a.pk: 3, b.pk: 3},
        recommendation="select",
        submit=True,
    )
    assert _row(world, target_a).score == pytest.approx(3.0)
    assert stale_targets(every_row) == []
