"""Figures and wording in the reader's language (issue 14.2): "83 %" and "des
expérimentateurs" in French, "83%" and "pilot companies" in English; amounts grouped."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from experimentations.models import Survey, SurveyAnswer, SurveyRecipient
from tests.factories import EditionFactory, OrganisationFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def edition_with_83_percent():
    edition = EditionFactory(code="QMI1", slug="qmi1", ends_on=datetime.date(2025, 2, 13))
    now = timezone.now()
    survey = Survey.objects.create(
        edition=edition, title="Enquête", opens_at=now - 10 * DAY, closes_at=now - DAY
    )
    for value in [5] * 8 + [4] * 7 + [3, 2, 3]:
        recipient = SurveyRecipient.objects.create(
            survey=survey, organisation=OrganisationFactory()
        )
        SurveyAnswer.objects.create(
            recipient=recipient, satisfaction=value, recommendation=value * 2, continued="yes"
        )
    return edition


def test_satisfaction_reads_as_french_in_french_and_english_in_english(
    client, edition_with_83_percent
):
    url = edition_with_83_percent.get_absolute_url()
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "83\u202f%" in french
    assert "des expérimentateurs satisfaits — 15 réponses sur 18" in plain(french)
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "83%" in english and "83 %" not in plain(english)
    assert "of pilot companies satisfied — 15 answers out of 18" in english
    assert "expérimentateur" not in english


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("fr", 45000, "45\u202f000\u202f€"),
        ("en", 45000, "€45,000"),
        ("fr", 1234.5, "1\u202f234,50\u202f€"),
        ("en", 1234.5, "€1,234.50"),
        ("fr", None, "—"),
    ],
)
def test_amounts_follow_the_readers_locale(language, value, expected):
    template = Template("{% load qmi_tags %}{{ value|euros }}")
    with translation.override(language):
        rendered = template.render(Context({"value": value}))
    assert rendered.replace("\xa0", "\u202f") == expected


def test_team_dashboard_progress_reads_in_the_readers_locale(client):
    from django.urls import reverse

    from tests.applications.staff_helpers import World

    world = World()
    targets = [world.application(world.a) for _ in range(3)]
    world.submitted_review(targets[0], world.reviewer_a, [3, 3])
    client.force_login(world.reviewer_a)
    url = reverse("staff:dashboard", args=[world.a.pk])
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "33\u202f%</progress>" in french
    world.reviewer_a.preferred_language = "en"
    world.reviewer_a.save()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "33%</progress>" in english and "33 %" not in plain(english)
