"""Issue 14.4: a confirmation page before publishing results, finalising or reopening a
selection; GET says what will happen with real counts (count queries, whatever the
number of rows) and changes nothing; POST does it."""

import pytest
from django.urls import reverse

from applications.models import ApplicationTarget, StaffJob
from applications.services.selection import decide, finalise_selection
from calls.models import Participation
from notifications.models import OutboxMessage
from tests.applications.staff_helpers import World, refresh
from tests.factories import AdminFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db
Decision = ApplicationTarget.Decision


@pytest.fixture
def world():
    return World(quota_min=1, quota_max=2, closed=True, screened=True)


@pytest.fixture
def admin():
    return AdminFactory()


def _decide(manager, target, decision):
    decide(user=manager, target=refresh(target), decision=decision, motivation="Motivation")


@pytest.fixture
def decided(world):
    """Six decision e-mails: `both` (two members) targets A and B, `solo` and `other` one each."""
    both_a, both_b = world.application(world.a, world.b, members=2)
    solo = world.application(world.a)
    other = world.application(world.b)
    _decide(world.manager_a, both_a, Decision.SELECTED)
    _decide(world.manager_a, solo, Decision.NOT_SELECTED)
    _decide(world.manager_b, both_b, Decision.WAITING)
    _decide(world.manager_b, other, Decision.SELECTED)
    return world


def _finalise_all(world):
    finalise_selection(user=world.manager_a, participation=world.a)
    finalise_selection(user=world.manager_b, participation=world.b)


def test_publishing_results_is_confirmed_first_with_the_number_of_emails(client, decided, admin):
    world = decided
    _finalise_all(world)
    client.force_login(admin)
    url = reverse("staff:publish_results", args=[world.call.pk])
    response = client.get(url)
    page = plain(response.content.decode())
    assert response.status_code == 200
    assert "6 e-mails seront envoyés." in page
    assert "2 projets retenus deviennent des expérimentations" in page
    assert "1 en liste d'attente, 1 non retenue." in page
    assert f'action="{url}"' in page and 'method="post"' in page
    assert "Publier et envoyer 6 e-mails" in page
    # Looking changed nothing.
    world.call.refresh_from_db()
    assert world.call.results_published_at is None
    assert not OutboxMessage.objects.filter(kind="decision").exists()
    assert not StaffJob.objects.exists()
    # Confirming publishes.
    assert client.post(url).status_code == 302
    world.call.refresh_from_db()
    assert world.call.results_published_at is not None
    assert OutboxMessage.objects.filter(kind="decision").count() == 6


def test_the_publication_page_counts_with_queries_not_rows(
    client, world, admin, django_assert_max_num_queries
):
    client.force_login(admin)
    url = reverse("staff:publish_results", args=[world.call.pk])
    world.application(world.a, world.b)
    client.get(url)  # warm caches (content types, sessions)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(15):
        world.application(world.a, world.b, members=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = plain(client.get(url).content.decode())
    assert "92 e-mails seront envoyés." in page  # 2 + 15 × 2 communes × 3 members


def test_the_results_page_button_leads_to_the_confirmation(client, decided, admin):
    _finalise_all(decided)
    client.force_login(admin)
    page = client.get(reverse("staff:call_results", args=[decided.call.pk])).content.decode()
    url = reverse("staff:publish_results", args=[decided.call.pk])
    assert f'<form method="get" action="{url}">' in page


def test_an_unpublishable_call_says_why_and_offers_no_button(client, decided, admin):
    finalise_selection(user=decided.manager_a, participation=decided.a)
    client.force_login(admin)
    response = client.get(reverse("staff:publish_results", args=[decided.call.pk]))
    page = plain(response.content.decode())
    assert "n'ont pas finalisé leur sélection" in page and decided.b.commune.name in page
    assert "6 e-mails seront envoyés." in page  # what it will do, once possible
    assert "Publier et envoyer" not in page


def test_only_admins_see_the_publication_page(client, decided):
    client.force_login(decided.manager_a)
    assert client.get(reverse("staff:publish_results", args=[decided.call.pk])).status_code == 403


def test_finalising_is_confirmed_first_with_the_counts(client, decided):
    world = decided
    world.application(world.a)  # no decision
    client.force_login(world.manager_a)
    url = reverse("staff:finalise_selection", args=[world.a.pk])
    dashboard = client.get(reverse("staff:dashboard", args=[world.a.pk])).content.decode()
    assert f'<form method="get" action="{url}">' in dashboard
    response = client.get(url, {"leave_undecided": "on"})
    page = plain(response.content.decode())
    assert response.status_code == 200
    assert "1 projet retenu (entre 1 et 2 attendus)." in page
    assert "0 en liste d'attente, 1 non retenue, 0 non éligible." in page
    assert "1 candidature sans décision sera non retenue à la publication." in page
    assert "Aucun e-mail n'est envoyé maintenant" in page
    assert 'name="leave_undecided" id="leave-undecided" checked' in page
    world.a.refresh_from_db()
    assert world.a.selection_finalised_at is None
    response = client.post(url, {"leave_undecided": "on"})
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.selection_finalised_at is not None


def test_finalising_outside_the_quota_shows_the_reason_and_no_button(client, world):
    client.force_login(world.manager_a)
    response = client.get(reverse("staff:finalise_selection", args=[world.a.pk]))
    page = plain(response.content.decode())
    assert "Retenez entre 1 et 2 projets" in page
    assert "0 projet retenu (entre 1 et 2 attendus)." in page
    url = reverse("staff:finalise_selection", args=[world.a.pk])
    assert f'<form method="post" action="{url}"' not in page


def test_a_reviewer_cannot_open_the_finalisation_page(client, world):
    client.force_login(world.reviewer_a)
    assert client.get(reverse("staff:finalise_selection", args=[world.a.pk])).status_code == 403


def test_reopening_is_confirmed_first(client, decided, admin):
    _finalise_all(decided)
    client.force_login(admin)
    url = reverse("staff:reopen_selection", args=[decided.a.pk])
    results = client.get(reverse("staff:call_results", args=[decided.call.pk])).content.decode()
    assert f'<form method="get" action="{url}">' in results
    page = plain(client.get(url).content.decode())
    assert "pourront de nouveau modifier leurs décisions (1 projet retenu aujourd'hui)" in page
    assert "Aucun e-mail n'est envoyé." in page
    assert Participation.objects.get(pk=decided.a.pk).selection_finalised_at is not None
    assert client.post(url).status_code == 302
    assert Participation.objects.get(pk=decided.a.pk).selection_finalised_at is None


def test_managers_cannot_open_the_reopening_page(client, decided):
    _finalise_all(decided)
    client.force_login(decided.manager_a)
    assert client.get(reverse("staff:reopen_selection", args=[decided.a.pk])).status_code == 403
