"""The edition page computes its satisfaction rate; laureates' pages show the pilot's state."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calls.models import Edition
from experimentations.models import (
    Milestone,
    Outcome,
    Pilot,
    Report,
    Survey,
    SurveyAnswer,
    SurveyRecipient,
)
from tests.factories import OrganisationFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db


def _counts():
    return [
        m.objects.count()
        for m in (Pilot, Milestone, Report, Outcome, Survey, SurveyRecipient, SurveyAnswer)
    ]


def test_demo_computes_eighty_three_percent_and_is_idempotent(client, settings, time_machine):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    before = _counts()
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == before
    qmi1 = Edition.objects.get(code="QMI1")
    assert "83" not in qmi1.description
    assert Pilot.objects.filter(participation__edition=qmi1, state="completed").count() == 18
    assert Outcome.objects.filter(pilot__participation__edition=qmi1).count() == 18
    body = client.get(qmi1.get_absolute_url()).content.decode()
    assert "83 %" in plain(body)
    assert "des expérimentateurs satisfaits — 15 réponses sur 18" in body
    assert "18</strong> expérimentations déployées" in body
    assert "Terminée" in body
    qmi2 = Edition.objects.get(code="QMI2")
    running = Pilot.objects.filter(participation__edition=qmi2, state="running")
    assert running.exists() and Milestone.objects.filter(pilot__in=running).exists()
    assert Report.objects.filter(pilot__in=running).overdue().count() == 1
    body = client.get(qmi2.get_absolute_url()).content.decode()
    assert "des expérimentateurs satisfaits" not in body  # no closed survey yet
    assert "En cours" in body


def test_public_pages_show_only_public_fields(client, pw):
    pilot = pw.pilot_a
    pilot.state = "running"
    pilot.actual_start = datetime.date(2025, 3, 1)
    pilot.abandon_reason = ""
    pilot.place = "Local secret du gardien"
    pilot.save()
    report = pilot.reports.get(kind="kickoff")
    report.text = "Texte interne du rapport"
    report.submitted_at = timezone.now()
    report.save()
    Outcome.objects.create(pilot=pilot, continued="no", comment="Commentaire interne")
    for url in (
        pw.call.edition.get_absolute_url(),
        pw.call.get_absolute_url(),
        pw.a.commune.get_absolute_url(),
    ):
        body = client.get(url).content.decode()
        assert pilot.application.title in body
        assert "En cours" in body and "depuis mars 2025" in body
        for private in ("Local secret", "Texte interne", "Commentaire interne"):
            assert private not in body


def test_edition_page_query_count_does_not_grow_with_laureates(
    client, django_assert_max_num_queries
):
    from tests.experimentations.conftest import PilotWorld

    small = PilotWorld(laureates_per_commune=1)
    url = small.call.edition.get_absolute_url()
    with django_assert_max_num_queries(20) as captured:
        client.get(url)
    baseline = len(captured)
    for _ in range(4):
        small.laureate(small.a)
    from experimentations.services.pilots import create_pilots_for_call

    create_pilots_for_call(small.call)
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_satisfaction_hidden_below_five_answers(client, pw):
    now = timezone.now()
    survey = Survey.objects.create(
        edition=pw.call.edition,
        title="E",
        opens_at=now - datetime.timedelta(days=9),
        closes_at=now - datetime.timedelta(days=1),
    )
    for _ in range(4):
        recipient = SurveyRecipient.objects.create(
            survey=survey, organisation=OrganisationFactory()
        )
        SurveyAnswer.objects.create(
            recipient=recipient, satisfaction=5, recommendation=10, continued="yes"
        )
    url = reverse("calls:edition_detail", args=[pw.call.edition.slug])
    assert "satisfaits" not in client.get(url).content.decode()
