"""Alerts "a call opens": public form, double opt-in, one alert per call, unsubscribe."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from calls.models import Tag
from notifications.models import AlertSubscription, OutboxMessage
from notifications.services.scheduling import queue_due_notifications
from tests.factories import CallFactory, ChallengeFactory, CommuneFactory, ParticipationFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db


def link(body, fragment):
    return next(u for u in re.findall(r"https?://\S+", body) if fragment in u).removeprefix(
        "http://127.0.0.1:8000"
    )


@pytest.fixture
def commune():
    return CommuneFactory(name="Argenteuil")


@pytest.fixture
def mobility():
    return Tag.objects.create(name="Mobilité", slug="mobilite")


def future_call(commune=None, tag=None):
    call = CallFactory(
        opens_at=timezone.now() + datetime.timedelta(days=3),
        closes_at=timezone.now() + datetime.timedelta(days=40),
    )
    participation = ParticipationFactory(call=call, commune=commune or CommuneFactory())
    challenge = ChallengeFactory(participation=participation)
    if tag:
        challenge.tags.add(tag)
    return call


def test_the_alert_page_refuses_an_empty_choice_and_keeps_what_was_typed(client, commune):
    response = client.post("/notifications/alertes/", {"email": "visitor@example.org"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choisissez au moins une commune ou une thématique." in page
    assert 'value="visitor@example.org"' in page
    assert 'href="#id_communes_0"' in page
    assert not AlertSubscription.objects.exists()


@pytest.mark.parametrize("forged", ["99999999999999999999999", "²"])
def test_forged_commune_or_tag_ids_are_a_form_error_not_a_500(client, commune, mobility, forged):
    for field, kept in (("tags", "communes"), ("communes", "tags")):
        chosen = commune.pk if kept == "communes" else mobility.pk
        response = client.post(
            "/notifications/alertes/",
            {"email": "visitor@example.org", field: [forged], kept: [chosen]},
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "error-summary" in page
        assert 'value="visitor@example.org"' in page
    assert not AlertSubscription.objects.exists()


def test_double_opt_in_then_one_alert_when_the_call_opens_then_unsubscribe(
    client, commune, mobility, deliver_on_commit
):
    with deliver_on_commit():
        response = client.post(
            "/notifications/alertes/",
            {"email": "Visitor@Example.org", "communes": [commune.pk], "tags": [mobility.pk]},
        )
    assert response.status_code == 200
    assert AlertSubscription.objects.filter(email="visitor@example.org").count() == 2
    [confirmation] = mail.outbox  # one mail covers every topic asked
    assert "Confirmez" in confirmation.subject
    assert "Argenteuil" in confirmation.subject and "Mobilité" in confirmation.subject
    assert "List-Unsubscribe" not in confirmation.extra_headers
    confirm_both = link(confirmation.body, "/alertes/confirmer/")

    call = future_call(commune=commune, tag=mobility)
    mail.outbox.clear()
    later = call.opens_at + datetime.timedelta(minutes=5)
    # Unconfirmed: the opening sends nothing.
    with time_machine.travel(later, tick=False), deliver_on_commit():
        assert queue_due_notifications()["call_opened"] == 0

    page = plain(client.get(confirm_both).content.decode())
    assert "Confirmer l'alerte" in page and "Argenteuil, Mobilité" in page
    assert (
        not AlertSubscription.objects.confirmed().exists()
    )  # a GET (link scanner) confirms nothing
    client.post(confirm_both)
    assert AlertSubscription.objects.confirmed().count() == 2

    with time_machine.travel(later, tick=False), deliver_on_commit():
        assert queue_due_notifications()["call_opened"] == 1
        assert queue_due_notifications()["call_opened"] == 0
    [alert] = mail.outbox
    assert alert.to == ["visitor@example.org"]
    assert call.title in alert.subject
    unsubscribe = alert.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in alert.body
    assert alert.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    response = client.post(unsubscribe.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200
    assert not AlertSubscription.objects.filter(email="visitor@example.org").exists()


def test_both_subscriptions_matching_one_call_give_one_alert(commune, mobility, deliver_on_commit):
    now = timezone.now()
    for target in ({"commune": commune}, {"tag": mobility}):
        AlertSubscription.objects.create(email="v@example.org", confirmed_at=now, **target)
    call = future_call(commune=commune, tag=mobility)
    with time_machine.travel(call.opens_at, tick=False), deliver_on_commit():
        assert queue_due_notifications()["call_opened"] == 1
    assert len(mail.outbox) == 1


def test_no_alert_for_a_call_opened_long_ago_nor_for_other_communes(commune, deliver_on_commit):
    AlertSubscription.objects.create(
        email="v@example.org", commune=commune, confirmed_at=timezone.now()
    )
    call = future_call(commune=CommuneFactory())
    with time_machine.travel(call.opens_at + datetime.timedelta(hours=1), tick=False):
        assert queue_due_notifications()["call_opened"] == 0
    mine = future_call(commune=commune)
    with time_machine.travel(mine.opens_at + datetime.timedelta(days=8), tick=False):
        assert queue_due_notifications()["call_opened"] == 0
    assert not OutboxMessage.objects.filter(kind="call_opened").exists()


def test_subscribing_again_reveals_nothing_and_sends_no_second_confirmation(
    client, commune, deliver_on_commit
):
    for _ in range(2):
        with deliver_on_commit():
            response = client.post(
                "/notifications/alertes/", {"email": "v@example.org", "communes": [commune.pk]}
            )
        assert response.status_code == 200
    assert AlertSubscription.objects.count() == 1
    assert len(mail.outbox) == 1


def test_forged_or_expired_confirmation_links_are_refused(client, commune, deliver_on_commit):
    assert client.get("/notifications/alertes/confirmer/forged/").status_code == 404
    with deliver_on_commit():
        client.post("/notifications/alertes/", {"email": "v@example.org", "communes": [commune.pk]})
    path = link(mail.outbox[0].body, "/alertes/confirmer/")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert client.post(path).status_code == 404
    assert not AlertSubscription.objects.confirmed().exists()


def test_one_request_for_many_topics_sends_one_mail(client, deliver_on_commit):
    communes = [CommuneFactory() for _ in range(12)]
    tags = [Tag.objects.create(name=f"Thème {n}", slug=f"theme-{n}") for n in range(10)]
    with deliver_on_commit():
        client.post(
            "/notifications/alertes/",
            {
                "email": "v@example.org",
                "communes": [c.pk for c in communes],
                "tags": [t.pk for t in tags],
            },
        )
    assert AlertSubscription.objects.count() == 22
    assert len(mail.outbox) == 1


def test_alert_requests_are_rate_limited_per_address_and_per_ip(client, commune, mobility):
    def ask(email, ip="192.0.2.1", target=None):
        return client.post(
            "/notifications/alertes/",
            {"email": email, "communes": [(target or commune).pk]},
            REMOTE_ADDR=ip,
        )

    # Per address: a few requests an hour, whatever the IP.
    statuses = [ask("victim@example.org", ip=f"192.0.2.{n}").status_code for n in range(1, 6)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    refused = ask("victim@example.org", ip="192.0.2.9").content.decode()
    assert "Trop de demandes" in refused and 'value="victim@example.org"' in refused
    # Per IP: many addresses from one connection.
    statuses = [ask(f"v{n}@example.org", ip="198.51.100.7").status_code for n in range(12)]
    assert statuses.count(429) == 2
    assert OutboxMessage.objects.filter(kind="alert_confirmation").count() == 1 + 10
