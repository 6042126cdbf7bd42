"""The Django admin never writes what the commune teams' services own."""

import pytest
from django.urls import reverse

from applications.models import ApplicationTarget
from tests.applications.staff_helpers import World
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    admin = AdminFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return admin


def test_admin_cannot_set_a_decision_and_answers_without_a_500(client, superuser):
    world = World(quota_min=1, quota_max=1)
    target = world.application(world.a)
    url = reverse("admin:applications_applicationtarget_change", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="decision"' not in page.content.decode()  # shown, not editable
    response = client.post(
        url,
        {
            "application": target.application_id,
            "participation": target.participation_id,
            "decision": "selected",
            "decision_motivation": "Forcé",
            "eligibility": "eligible",
        },
    )
    assert response.status_code in (200, 302)
    target.refresh_from_db()
    assert (target.decision, target.selection_slot) == ("", None)


def test_reviews_are_read_only_in_the_admin_with_their_history(client, superuser):
    world = World()
    target = world.application(world.a)
    review = world.submitted_review(target, world.reviewer_a, [4, 3])
    change = reverse("admin:applications_review_change", args=[review.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"comment": "réécrit"}).status_code == 403
    history = reverse("admin:applications_review_history", args=[review.pk])
    assert client.get(history).status_code == 200
    delete = reverse("admin:applications_review_delete", args=[review.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ApplicationTarget.objects.get(pk=target.pk).reviews.get().comment == ""
