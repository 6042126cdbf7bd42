"""The staff application page: whole content, organisation, other communes, query count."""

import html

import pytest
from django.urls import reverse

from applications.models import ApplicationRevision, TeamNote
from tests.applications.staff_helpers import World
from tests.factories import AdminFactory, UserFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db


# One more for the audition and jury box (auditions.selectors.target_panel, one query),
# one more for the team's questions (questions.selectors.team_thread).
def _page_with(world, count, client, django_assert_max_num_queries, bound=23):
    target_a, _target_b = world.application(world.a, world.b)
    for n in range(count):
        reviewer = UserFactory()
        world.submitted_review(target_a, reviewer, [3, 4])
        TeamNote.objects.create(target=target_a, author=reviewer, body=f"Note {n}")
        ApplicationRevision.objects.create(
            application=target_a.application, number=n + 1, content={"title": f"v{n}"}
        )
    client.force_login(world.manager_a)
    with django_assert_max_num_queries(bound) as captured:
        response = client.get(reverse("staff:application", args=[target_a.pk]))
    assert response.status_code == 200
    return response, len(captured.captured_queries)


def test_page_shows_content_organisation_and_other_communes(client, django_assert_max_num_queries):
    world = World()
    response, _ = _page_with(world, 2, client, django_assert_max_num_queries)
    body = response.content.decode()
    application = response.context["application"]
    assert application.summary in body
    assert application.organisation.name in body
    assert world.b.commune.name in body
    assert "Version 2" in body and "Note 1" in body


def test_query_count_is_the_same_with_1_and_20_reviews(client, django_assert_max_num_queries):
    _, one = _page_with(World(), 1, client, django_assert_max_num_queries)
    _, many = _page_with(World(), 20, client, django_assert_max_num_queries)
    assert one == many


def test_finalising_outside_the_quota_is_a_clear_400(client):
    world = World(quota_min=1, quota_max=2, closed=True)
    world.application(world.a)
    client.force_login(world.manager_a)
    response = client.post(reverse("staff:finalise_selection", args=[world.a.pk]))
    assert response.status_code == 400
    assert "Retenez entre 1 et 2 projets" in plain(response.content.decode())
    world.a.refresh_from_db()
    assert world.a.selection_finalised_at is None


def test_publishing_before_every_commune_finalised_is_a_clear_400(client):
    world = World(quota_min=1, quota_max=2, closed=True)
    client.force_login(AdminFactory())
    response = client.post(reverse("staff:publish_results", args=[world.call.pk]))
    assert response.status_code == 400
    assert "n'ont pas finalisé leur sélection" in plain(html.unescape(response.content.decode()))


def test_attachments_are_linked_and_downloadable_by_the_team_only(client):
    from django.core.files.base import ContentFile

    from applications.models import Attachment

    world = World()
    target = world.application(world.a)
    attachment = Attachment(
        application=target.application,
        original_name="pitch.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
    )
    attachment.file.save("pitch.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    url = reverse("applications:attachment_download", args=[attachment.pk])
    client.force_login(world.reviewer_a)
    page = client.get(reverse("staff:application", args=[target.pk])).content.decode()
    assert f'href="{url}"' in page
    assert client.get(url).status_code == 200
    client.force_login(world.reviewer_b)
    assert client.get(url).status_code == 404
