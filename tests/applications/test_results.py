"""Publication of results: only when every commune has finalised, one message each, once."""

import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationTarget
from applications.selectors.candidate import published_decisions
from applications.services.results import publish_results
from applications.services.selection import decide, finalise_selection
from calls.selectors import laureates
from notifications.models import OutboxMessage
from notifications.services import render_message
from tests.applications.staff_helpers import World, force_decision, refresh
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db
Decision = ApplicationTarget.Decision


@pytest.fixture
def world():
    return World(quota_min=1, quota_max=2, closed=True, screened=True)


@pytest.fixture
def admin():
    return AdminFactory()


def _decide(manager, target, decision, motivation="Motivation"):
    return decide(user=manager, target=refresh(target), decision=decision, motivation=motivation)


@pytest.fixture
def decided(world):
    """A: `both` selected, `solo` not selected; B: `both` not selected, `other` selected.
    `both` has two members."""
    both_a, both_b = world.application(world.a, world.b, members=2)
    solo = world.application(world.a)
    other = world.application(world.b)
    _decide(world.manager_a, both_a, Decision.SELECTED, "Excellent projet pour A")
    _decide(world.manager_a, solo, Decision.NOT_SELECTED, "Trop tôt pour nous")
    _decide(world.manager_b, both_b, Decision.NOT_SELECTED, "Déjà couvert à B")
    _decide(world.manager_b, other, Decision.SELECTED, "Bien")
    return {"both_a": both_a, "both_b": both_b, "solo": solo, "other": other}


def _finalise_all(world):
    finalise_selection(user=world.manager_a, participation=world.a)
    finalise_selection(user=world.manager_b, participation=world.b)


def test_publication_waits_for_every_commune(world, decided, admin):
    finalise_selection(user=world.manager_a, participation=world.a)
    with pytest.raises(ValidationError) as error:
        publish_results(user=admin, call=world.call)
    assert world.b.commune.name in str(error.value)
    world.call.refresh_from_db()
    assert world.call.results_published_at is None
    assert not OutboxMessage.objects.exists()


def test_a_manager_cannot_publish(world, decided):
    _finalise_all(world)
    with pytest.raises(PermissionDenied):
        publish_results(user=world.manager_a, call=world.call)


def test_one_message_per_application_commune_and_member_and_only_once(
    world, decided, admin, django_capture_on_commit_callbacks
):
    _finalise_all(world)
    with django_capture_on_commit_callbacks(execute=True):
        queued = publish_results(user=admin, call=world.call)
    # both: 2 communes x 2 members; solo: 1; other: 1.
    assert queued == 6
    assert OutboxMessage.objects.filter(kind="decision").count() == 6
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_results(user=admin, call=world.call) == 0
    assert OutboxMessage.objects.filter(kind="decision").count() == 6
    world.call.refresh_from_db()
    assert world.call.results_published_at is not None


def test_publishing_twice_through_the_page_sends_nothing_twice(client, world, decided, admin):
    _finalise_all(world)
    client.force_login(admin)
    url = reverse("staff:publish_results", args=[world.call.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    # The results page, once published, lists the laureates.
    assert decided["other"].application.title in response.content.decode()
    first = world.call.__class__.objects.get(pk=world.call.pk).results_published_at
    assert client.post(url).status_code == 302
    assert OutboxMessage.objects.filter(kind="decision").count() == 6
    assert world.call.__class__.objects.get(pk=world.call.pk).results_published_at == first


def test_message_in_the_recipients_language_with_motivation(world, decided, admin):
    member = decided["solo"].application.organisation.members.first()
    member.preferred_language = "en"
    member.save()
    _finalise_all(world)
    publish_results(user=admin, call=world.call)
    message = OutboxMessage.objects.get(recipient=member)
    assert message.language == "en"
    assert message.occasion == str(world.a.pk)
    subject, body, _html = render_message(message)
    assert decided["solo"].application.reference in subject
    assert "Trop tôt pour nous" in body
    selected = OutboxMessage.objects.filter(
        object_id=decided["both_a"].application_id, occasion=str(world.a.pk)
    ).first()
    subject, body, _html = render_message(selected)
    assert "Excellent projet pour A" in body


def test_candidate_sees_both_decisions_only_once_published(world, decided, admin):
    application = decided["both_a"].application
    assert published_decisions(application) == []
    _finalise_all(world)
    publish_results(user=admin, call=world.call)
    application.call.refresh_from_db()
    decisions = {d.commune: d for d in published_decisions(application)}
    assert decisions[world.a.commune.name].decision == "selected"
    assert decisions[world.a.commune.name].motivation == "Excellent projet pour A"
    assert decisions[world.b.commune.name].decision == "not_selected"
    assert decisions[world.b.commune.name].motivation == "Déjà couvert à B"


def test_laureates_are_public_only_after_publication(world, decided, admin):
    assert list(laureates(call=world.call)) == []
    _finalise_all(world)
    publish_results(user=admin, call=world.call)
    assert {t.pk for t in laureates(call=world.call)} == {
        decided["both_a"].pk,
        decided["other"].pk,
    }
    assert [t.pk for t in laureates(commune=world.b.commune)] == [decided["other"].pk]


def test_results_page(client, world, decided, admin):
    client.force_login(admin)
    url = reverse("staff:call_results", args=[world.call.pk])
    body = client.get(url).content.decode()
    assert world.a.commune.name in body and world.b.commune.name in body
    assert "Publier les résultats" not in body
    _finalise_all(world)
    assert "Publier les résultats" in client.get(url).content.decode()


def test_admin_reopens_from_the_results_page(client, world, decided, admin):
    _finalise_all(world)
    client.force_login(admin)
    response = client.post(reverse("staff:reopen_selection", args=[world.a.pk]))
    assert response.status_code == 302
    world.a.refresh_from_db()
    assert world.a.selection_finalised_at is None


def test_no_reopening_after_publication(client, world, decided, admin):
    _finalise_all(world)
    publish_results(user=admin, call=world.call)
    client.force_login(admin)
    assert client.post(reverse("staff:reopen_selection", args=[world.a.pk])).status_code == 403


def test_results_page_query_count(client, admin, django_assert_max_num_queries):
    world = World(quota_min=1, quota_max=2, closed=True, screened=True)
    world.a.selection_finalised_at = timezone.now()
    world.a.save()
    client.force_login(admin)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("staff:call_results", args=[world.call.pk])).status_code == 200


def test_no_publication_until_the_deadline(client, admin, time_machine):
    world = World(quota_min=1, quota_max=2, screened=True)
    world.call.refresh_from_db()
    for participation in (world.a, world.b):
        force_decision(world.application(participation), Decision.SELECTED, 1)
    # Finalised before this rule existed (or the deadline was pushed back since).
    world.call.participations.update(selection_finalised_at=timezone.now())
    client.force_login(admin)
    time_machine.move_to(world.call.closes_at - datetime.timedelta(seconds=1), tick=False)
    with pytest.raises(ValidationError) as error:
        publish_results(user=admin, call=world.call)
    assert "encore ouvert" in str(error.value)
    results_url = reverse("staff:call_results", args=[world.call.pk])
    page = html.unescape(client.get(results_url).content.decode())
    assert "Publier les résultats" not in page and "encore ouvert aux candidatures" in page
    response = client.post(reverse("staff:publish_results", args=[world.call.pk]))
    assert response.status_code == 400
    assert "encore ouvert aux candidatures" in html.unescape(response.content.decode())
    world.call.refresh_from_db()
    assert world.call.results_published_at is None
    assert not OutboxMessage.objects.exists()
    time_machine.move_to(world.call.closes_at, tick=False)
    assert publish_results(user=admin, call=world.call) == 2  # one member each
    world.call.refresh_from_db()
    assert world.call.results_published_at == world.call.closes_at


def test_a_withdrawal_after_finalisation_blocks_publication(client, world, decided, admin):
    from applications.services.submission import withdraw_application

    _finalise_all(world)
    # A's only laureate withdraws: A falls below its minimum of one.
    application = decided["both_a"].application
    withdraw_application(application=application, user=application.organisation.members.first())
    with pytest.raises(ValidationError) as error:
        publish_results(user=admin, call=world.call)
    assert world.a.commune.name in str(error.value)
    assert world.b.commune.name not in str(error.value)
    client.force_login(admin)
    response = client.post(reverse("staff:publish_results", args=[world.call.pk]))
    assert response.status_code == 400
    assert world.a.commune.name in html.unescape(response.content.decode())
    world.call.refresh_from_db()
    assert world.call.results_published_at is None
    assert not OutboxMessage.objects.exists()


def test_results_page_counts_selected_rows_as_the_dashboards_do(client, world, decided, admin):
    """A row the candidate has unticked since (kept, withdrawn, with the team's work) is
    out of every list: neither the dashboard nor the results page counts it."""
    from applications.selectors.staff import call_results, dashboard_totals
    from applications.services.selection import selected_count

    ApplicationTarget.objects.filter(pk=decided["other"].pk).update(withdrawn_at=timezone.now())
    counts = {p.pk: p.selected_count for p in call_results(world.call)}
    assert counts == {world.a.pk: 1, world.b.pk: 0}
    assert (
        counts[world.a.pk]
        == selected_count(world.a)
        == dashboard_totals(admin, world.a)["selected"]
    )
    assert (
        counts[world.b.pk]
        == selected_count(world.b)
        == dashboard_totals(admin, world.b)["selected"]
    )
    client.force_login(admin)
    page = client.get(reverse("staff:call_results", args=[world.call.pk]))
    assert [p.selected_count for p in page.context["participations"]] == [
        counts[p.pk] for p in sorted((world.a, world.b), key=lambda p: p.commune.name)
    ]
