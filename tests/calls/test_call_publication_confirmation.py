"""Issue 14.4: "Publier l'appel" shows what the publication does, with the number of
"a call opens" alerts it causes, before doing it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import Call, Tag
from notifications.models import AlertSubscription
from tests.factories import (
    CallFactory,
    ChallengeFactory,
    CommuneFactory,
    CriterionFactory,
    ParticipationFactory,
)
from tests.typography import plain

pytestmark = pytest.mark.django_db


def draft_call(opens_in_days=3):
    call = CallFactory(
        published_at=None,
        opens_at=timezone.now() + datetime.timedelta(days=opens_in_days),
        closes_at=timezone.now() + datetime.timedelta(days=40),
    )
    CriterionFactory(call=call)
    return call


def subscribe(email, commune=None, tag=None):
    return AlertSubscription.objects.create(
        email=email, commune=commune, tag=tag, confirmed_at=timezone.now()
    )


def test_publishing_a_call_is_confirmed_with_the_alerts_it_will_send(client, admin_user):
    call = draft_call()
    commune = CommuneFactory(name="Argenteuil")
    tag = Tag.objects.create(name="Mobilité", slug="mobilite")
    ChallengeFactory(participation=ParticipationFactory(call=call, commune=commune)).tags.add(tag)
    subscribe("a@example.org", commune=commune)
    subscribe("a@example.org", tag=tag)  # one person, one e-mail
    subscribe("b@example.org", tag=tag)
    AlertSubscription.objects.create(email="c@example.org", commune=commune)  # unconfirmed
    subscribe("d@example.org", commune=CommuneFactory())  # another commune
    client.force_login(admin_user)
    url = reverse("backoffice:call_publish", args=[call.pk])
    detail = client.get(reverse("backoffice:call_detail", args=[call.pk])).content.decode()
    assert f'<form method="get" action="{url}">' in detail
    response = client.get(url)
    page = plain(response.content.decode())
    assert response.status_code == 200
    assert "2 e-mails seront envoyés à l'ouverture" in page
    assert "1 commune participante ; 1 critère d'évaluation." in page
    assert call.get_absolute_url() in page
    call.refresh_from_db()
    assert call.published_at is None
    assert client.post(url).status_code == 302
    call.refresh_from_db()
    assert call.published_at is not None


def test_a_call_opened_long_ago_sends_no_alert_and_says_so(client, admin_user):
    call = draft_call(opens_in_days=-8)
    commune = CommuneFactory()
    ParticipationFactory(call=call, commune=commune)
    subscribe("a@example.org", commune=commune)
    client.force_login(admin_user)
    page = plain(client.get(reverse("backoffice:call_publish", args=[call.pk])).content.decode())
    assert "Aucune alerte d'ouverture ne sera envoyée" in page


def test_a_call_without_communes_says_why_and_offers_no_button(client, admin_user):
    call = draft_call()
    client.force_login(admin_user)
    page = plain(client.get(reverse("backoffice:call_publish", args=[call.pk])).content.decode())
    assert "Ajoutez au moins une commune avant de publier l'appel." in page
    assert (
        'method="post"' not in page.split('id="main"')[-1] or "Publier l'appel</button>" not in page
    )
    assert Call.objects.get(pk=call.pk).published_at is None


def test_the_confirmation_counts_with_queries_not_rows(
    client, admin_user, django_assert_max_num_queries
):
    call = draft_call()
    commune = CommuneFactory()
    ParticipationFactory(call=call, commune=commune)
    subscribe("a@example.org", commune=commune)
    client.force_login(admin_user)
    url = reverse("backoffice:call_publish", args=[call.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for index in range(30):
        subscribe(f"p{index}@example.org", commune=commune)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = plain(client.get(url).content.decode())
    assert "31 e-mails seront envoyés" in page
