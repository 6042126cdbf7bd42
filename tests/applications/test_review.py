"""Reviews: scores per criterion, draft then submit, conflicts of interest, hidden scores."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applications.models import ApplicationTarget, Review, TeamNote
from applications.selectors.staff import DashboardFilters, dashboard_rows
from applications.services.review import declare_conflict, save_review
from tests.applications.staff_helpers import World, refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World(hide_reviews=True)


def _scores(world, *values):
    return {c.pk: v for c, v in zip(world.criteria, values, strict=True)}


def test_draft_then_submit(world):
    target = refresh(world.application(world.a))
    review = save_review(
        user=world.reviewer_a, target=target, scores=_scores(world, 4, None), comment="à finir"
    )
    assert review.state == Review.State.DRAFT
    assert review.scores.count() == 1
    with pytest.raises(ValidationError) as error:
        save_review(
            user=world.reviewer_a, target=target, scores=_scores(world, 4, None), submit=True
        )
    assert f"score_{world.criteria[1].pk}" in error.value.message_dict
    assert "recommendation" in error.value.message_dict
    review = save_review(
        user=world.reviewer_a,
        target=target,
        scores=_scores(world, 4, 2),
        recommendation="maybe",
        submit=True,
    )
    assert review.state == Review.State.SUBMITTED
    assert review.submitted_at is not None
    assert sorted(review.scores.values_list("score", flat=True)) == [2, 4]


def test_scores_out_of_range_are_refused(world):
    target = refresh(world.application(world.a))
    with pytest.raises(ValidationError):
        save_review(user=world.reviewer_a, target=target, scores=_scores(world, 6, 1))
    assert not Review.objects.exists()


def test_review_form_keeps_what_was_typed_on_error(client, world):
    target = world.application(world.a)
    client.force_login(world.reviewer_a)
    response = client.post(
        reverse("staff:save_review", args=[target.pk]),
        {
            "action": "submit",
            "comment": "Mon long commentaire",
            f"score_{world.criteria[0].pk}": "3",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mon long commentaire" in body
    assert "Choisissez une recommandation pour soumettre." in body
    assert not Review.objects.filter(state="submitted").exists()


def test_review_through_the_page(client, world):
    target = world.application(world.a)
    client.force_login(world.reviewer_a)
    page = client.get(reverse("staff:application", args=[target.pk]))
    assert "5 – excellent" in page.content.decode()  # a descriptor per level
    response = client.post(
        reverse("staff:save_review", args=[target.pk]),
        {
            "action": "submit",
            f"score_{world.criteria[0].pk}": "5",
            f"score_{world.criteria[1].pk}": "4",
            "recommendation": "select",
            "comment": "Solide",
        },
    )
    assert response.status_code == 302
    assert Review.objects.get(reviewer=world.reviewer_a).state == "submitted"


def test_ineligible_applications_leave_the_review_queue(client, world):
    target = world.application(world.a)
    client.force_login(world.manager_a)
    response = client.post(
        reverse("staff:screen", args=[target.pk]), {"eligibility": "ineligible", "reason": ""}
    )
    assert response.status_code == 400
    assert "Indiquez le motif" in response.content.decode()
    response = client.post(
        reverse("staff:screen", args=[target.pk]),
        {"eligibility": "ineligible", "reason": "Hors périmètre"},
    )
    assert response.status_code == 302
    target = refresh(target)
    assert target.eligibility == ApplicationTarget.Eligibility.INELIGIBLE
    assert target.screened_by == world.manager_a
    with pytest.raises(PermissionDenied):
        save_review(user=world.reviewer_a, target=target, scores=_scores(world, 3, 3))


def test_conflict_of_interest_blocks_review_and_hides_scores(client, world):
    target = refresh(world.application(world.a))
    world.submitted_review(target, world.reviewer_a2, [5, 5])
    save_review(user=world.manager_a, target=target, scores=_scores(world, 2, None))
    declare_conflict(user=world.manager_a, target=target, reason="Mon beau-frère")
    review = Review.objects.get(reviewer=world.manager_a)
    assert review.conflict_of_interest and review.scores.count() == 0

    with pytest.raises(PermissionDenied):
        save_review(user=world.manager_a, target=target, scores=_scores(world, 5, 5))

    # Even a manager (who otherwise always sees scores) no longer sees them.
    row = dashboard_rows(world.manager_a, world.a, DashboardFilters()).get()
    assert row.my_conflict is True
    assert row.visible_score is None
    client.force_login(world.manager_a)
    page = client.get(reverse("staff:application", args=[target.pk]))
    assert page.context["show_reviews"] is False
    assert page.context["score"]["visible_score"] is None
    assert "5 / 5" not in page.content.decode()
    response = client.post(
        reverse("staff:save_review", args=[target.pk]),
        {"action": "draft", f"score_{world.criteria[0].pk}": "5"},
    )
    assert response.status_code == 403


def test_colleagues_reviews_hidden_until_mine_is_submitted(client, world):
    target = refresh(world.application(world.a))
    world.submitted_review(target, world.reviewer_a2, [5, 1])
    client.force_login(world.reviewer_a)
    url = reverse("staff:application", args=[target.pk])
    page = client.get(url)
    assert page.context["show_reviews"] is False
    assert page.context["score"]["visible_score"] is None
    assert world.reviewer_a2.display_name not in page.content.decode()
    row = dashboard_rows(world.reviewer_a, world.a, DashboardFilters()).get()
    assert row.visible_score is None and row.review_count == 1

    save_review(
        user=world.reviewer_a,
        target=target,
        scores=_scores(world, 3, 3),
        recommendation="no",
        submit=True,
    )
    page = client.get(url)
    assert page.context["show_reviews"] is True
    assert world.reviewer_a2.display_name in page.content.decode()
    row = dashboard_rows(world.reviewer_a, world.a, DashboardFilters()).get()
    assert row.visible_score == pytest.approx((5 * 2 + 1 + 3 * 2 + 3) / 6)


def test_without_the_setting_reviews_are_visible_at_once(client):
    world = World(hide_reviews=False)
    target = world.application(world.a)
    world.submitted_review(target, world.reviewer_a2, [5, 1])
    client.force_login(world.reviewer_a)
    page = client.get(reverse("staff:application", args=[target.pk]))
    assert page.context["show_reviews"] is True


def test_team_notes_are_private_to_the_commune(client, world):
    target_a, target_b = world.application(world.a, world.b)
    client.force_login(world.reviewer_a)
    response = client.post(reverse("staff:add_note", args=[target_a.pk]), {"body": "À rappeler"})
    assert response.status_code == 302
    assert TeamNote.objects.get().author == world.reviewer_a
    assert (
        client.post(reverse("staff:add_note", args=[target_a.pk]), {"body": ""}).status_code == 400
    )
    client.force_login(world.manager_b)
    page = client.get(reverse("staff:application", args=[target_b.pk]))
    assert "À rappeler" not in page.content.decode()
