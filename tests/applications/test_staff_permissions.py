"""The permission matrix of the staff side."""

import pytest
from django.urls import reverse

from applications.models import ApplicationTarget
from tests.applications.staff_helpers import World
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def test_reviewer_of_another_commune_gets_404_on_the_application(client, world):
    target = world.application(world.a)
    client.force_login(world.reviewer_b)
    assert client.get(reverse("staff:application", args=[target.pk])).status_code == 404
    response = client.post(
        reverse("staff:save_review", args=[target.pk]), {"action": "draft", "comment": "x"}
    )
    assert response.status_code == 404


def test_reviewer_of_another_commune_gets_404_on_the_dashboard(client, world):
    client.force_login(world.reviewer_b)
    assert client.get(reverse("staff:dashboard", args=[world.a.pk])).status_code == 404


def test_forged_target_id_gives_404(client, world):
    client.force_login(world.manager_a)
    assert client.get(reverse("staff:application", args=[999999])).status_code == 404


def test_drafts_are_never_shown_to_staff(client, world):
    draft = world.draft()
    client.force_login(world.manager_a)
    assert client.get(reverse("staff:application", args=[draft.pk])).status_code == 404
    page = client.get(reverse("staff:dashboard", args=[world.a.pk]))
    assert draft.application.title not in page.content.decode()


def test_a_reviewer_cannot_decide(client, world):
    target = world.application(world.a)
    client.force_login(world.reviewer_a)
    response = client.post(
        reverse("staff:decide", args=[target.pk]),
        {"decision": "selected", "motivation": "Très bien"},
    )
    assert response.status_code == 403
    assert ApplicationTarget.objects.get(pk=target.pk).decision == ""


def test_a_reviewer_cannot_screen(client, world):
    target = world.application(world.a)
    client.force_login(world.reviewer_a)
    response = client.post(
        reverse("staff:screen", args=[target.pk]), {"eligibility": "eligible", "reason": ""}
    )
    assert response.status_code == 403


def test_a_manager_of_another_commune_cannot_decide(client, world):
    target = world.application(world.a)
    client.force_login(world.manager_b)
    response = client.post(
        reverse("staff:decide", args=[target.pk]),
        {"decision": "selected", "motivation": "Très bien"},
    )
    assert response.status_code == 404


def test_a_manager_cannot_publish_results_nor_open_the_results_page(client, world):
    client.force_login(world.manager_a)
    assert client.post(reverse("staff:publish_results", args=[world.call.pk])).status_code == 403
    assert client.get(reverse("staff:call_results", args=[world.call.pk])).status_code == 403
    assert client.get(reverse("staff:audit_log", args=[world.call.pk])).status_code == 403
    assert client.get(reverse("staff:call_export", args=[world.call.pk, "csv"])).status_code == 403
    world.call.refresh_from_db()
    assert world.call.results_published_at is None


def test_a_manager_cannot_reopen_a_finalised_selection(client, world):
    from django.utils import timezone

    world.a.selection_finalised_at = timezone.now()
    world.a.save()
    client.force_login(world.manager_a)
    assert client.post(reverse("staff:reopen_selection", args=[world.a.pk])).status_code == 403


def test_a_candidate_never_sees_reviews(client, world):
    target = world.application(world.a)
    world.submitted_review(target, world.reviewer_a, [5, 4])
    candidate = target.application.organisation.members.first()
    client.force_login(candidate)
    assert client.get(reverse("staff:home")).status_code == 403
    assert client.get(reverse("staff:application", args=[target.pk])).status_code == 403
    assert client.get(reverse("staff:dashboard", args=[world.a.pk])).status_code == 403


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(reverse("staff:dashboard", args=[world.a.pk]))
    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]


def test_admin_sees_every_dashboard_but_does_not_review(client, world):
    target = world.application(world.a)
    client.force_login(AdminFactory())
    assert client.get(reverse("staff:dashboard", args=[world.b.pk])).status_code == 200
    page = client.get(reverse("staff:application", args=[target.pk]))
    assert page.status_code == 200
    assert page.context["can_review"] is False


def test_each_commune_sees_only_its_own_reviews_and_decisions(client, world):
    target_a, target_b = world.application(world.a, world.b)
    world.submitted_review(target_a, world.reviewer_a, [5, 5])
    target_a.decision_motivation = "Motivation secrète de A"
    target_a.save()
    client.force_login(world.manager_b)
    page = client.get(reverse("staff:application", args=[target_b.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Motivation secrète de A" not in body
    assert list(page.context["colleague_reviews"]) == []
    # Other communes are named, nothing more.
    assert page.context["other_communes"] == [world.a.commune.name]
