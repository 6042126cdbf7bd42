"""The permission matrix of the staff side."""

import pytest
from django.urls import reverse

from applications.models import ApplicationTarget
from tests.applications.staff_helpers import World, close_call
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


def test_commune_staff_never_see_an_unpublished_call(client, world):
    target = world.application(world.a, title="Projet d'un appel retiré")
    world.call.published_at = None
    world.call.save()
    client.force_login(world.manager_a)
    home = client.get(reverse("staff:home")).content.decode()
    assert world.call.title not in home
    assert reverse("staff:dashboard", args=[world.a.pk]) not in home
    for url in (
        reverse("staff:dashboard", args=[world.a.pk]),
        reverse("staff:dashboard_export", args=[world.a.pk, "csv"]),
        reverse("staff:dashboard_export", args=[world.a.pk, "xlsx"]),
        reverse("staff:application", args=[target.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("staff:decide", args=[target.pk]), {"decision": "selected", "motivation": "x"}
    )
    assert response.status_code == 404
    # A metropolis admin still prepares the draft call.
    client.force_login(AdminFactory())
    assert world.call.title in client.get(reverse("staff:home")).content.decode()
    assert client.get(reverse("staff:dashboard", args=[world.a.pk])).status_code == 200
    assert client.get(reverse("staff:application", args=[target.pk])).status_code == 200


def test_a_conflicted_manager_neither_screens_nor_decides(client, world):
    from applications.services.review import declare_conflict

    target = world.application(world.a)
    client.force_login(world.manager_a)
    declare_conflict(user=world.manager_a, target=target, reason="Mon beau-frère")
    page = client.get(reverse("staff:application", args=[target.pk])).content.decode()
    assert reverse("staff:screen", args=[target.pk]) not in page
    assert reverse("staff:decide", args=[target.pk]) not in page
    response = client.post(
        reverse("staff:screen", args=[target.pk]), {"eligibility": "eligible", "reason": ""}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("staff:decide", args=[target.pk]),
        {"decision": "selected", "motivation": "Très bien"},
    )
    assert response.status_code == 403
    target = ApplicationTarget.objects.get(pk=target.pk)
    assert target.eligibility == ApplicationTarget.Eligibility.PENDING
    assert target.decision == "" and target.selection_slot is None
    # Once the call has closed, without a conflict, the same manager still decides.
    close_call(world.call)
    other = world.application(world.a, eligibility=ApplicationTarget.Eligibility.ELIGIBLE)
    assert (
        client.post(
            reverse("staff:decide", args=[other.pk]),
            {"decision": "selected", "motivation": "Très bien"},
        ).status_code
        == 302
    )


def test_the_services_refuse_a_conflicted_manager_too(world):
    from django.core.exceptions import PermissionDenied

    from applications.services.review import declare_conflict
    from applications.services.screening import screen
    from applications.services.selection import decide
    from tests.applications.staff_helpers import refresh

    target = world.application(world.a)
    declare_conflict(user=world.manager_a, target=target)
    with pytest.raises(PermissionDenied):
        screen(user=world.manager_a, target=refresh(target), eligibility="eligible")
    with pytest.raises(PermissionDenied):
        decide(user=world.manager_a, target=refresh(target), decision="selected", motivation="x")
    assert refresh(target).decision == ""


def test_staff_home_shows_each_call_state():
    from django.test import Client

    from tests.applications.staff_helpers import World

    world = World(closed=True)
    client = Client()
    client.force_login(world.manager_a)
    page = client.get(reverse("staff:home")).content.decode()
    assert world.call.title in page
    assert str(world.call.state_label) == "clos" and "clos" in page
