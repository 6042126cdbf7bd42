"""Tags listed as a French reader expects (É with E) wherever they are listed, and no
untranslated "Order" label in the back-office forms (issue 14.2)."""

import re

import pytest
from django.urls import reverse

from calls.forms import ChallengeFormSet
from calls.models import Tag
from notifications.forms import AlertForm
from tests.factories import AdminFactory, CallFactory, ChallengeFactory, ParticipationFactory

pytestmark = pytest.mark.django_db
FRENCH_ORDER = ["Déchets", "Économie locale", "Énergie", "Espaces publics", "Mobilité"]


@pytest.fixture
def tags():
    # Created in the order a byte-wise sort gives (É after every ASCII letter).
    for index, name in enumerate(
        ["Mobilité", "Espaces publics", "Déchets", "Énergie", "Économie locale"]
    ):
        Tag.objects.create(name=name, slug=f"tag-{index}")
    assert [t.name for t in Tag.objects.order_by("name")] != FRENCH_ORDER


def _labels(choices):
    return [str(label) for _value, label in choices]


def test_backoffice_challenge_form_lists_themes_in_french_order(tags):
    participation = ParticipationFactory()
    formset = ChallengeFormSet(instance=participation)
    assert _labels(formset.forms[0].fields["tags"].choices) == FRENCH_ORDER


def test_alert_form_lists_themes_in_french_order(tags):
    assert _labels(AlertForm().fields["tags"].choices) == FRENCH_ORDER


def test_api_lists_a_challenges_tags_in_french_order(client, tags):
    call = CallFactory(slug="appel-tags")
    challenge = ChallengeFactory(participation=ParticipationFactory(call=call))
    challenge.tags.set(Tag.objects.all())
    body = client.get("/api/v1/calls/appel-tags/").json()
    listed = [c["tags"] for p in body["communes"] for c in p["challenges"]]
    assert listed == [FRENCH_ORDER]


def test_public_pages_list_themes_in_french_order(client, tags):
    call = CallFactory()
    challenge = ChallengeFactory(participation=ParticipationFactory(call=call))
    challenge.tags.set(Tag.objects.all())
    page = client.get(call.get_absolute_url()).content.decode()
    shown = re.findall(r'<span class="badge rounded-pill[^"]*">([^<]+)</span>', page)
    assert shown == FRENCH_ORDER


def test_backoffice_forms_have_no_untranslated_order_label(client):
    client.force_login(AdminFactory())
    participation = ParticipationFactory()
    call = CallFactory()
    for url in (
        reverse("backoffice:participation_edit", args=[participation.pk]),
        reverse("backoffice:call_edit", args=[call.pk]),
        reverse("backoffice:call_create"),
    ):
        page = client.get(url).content.decode()
        assert not re.search(r">\s*Order\b", page), url
        assert "Ordre" in page, url
