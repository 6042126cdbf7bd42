import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from calls.models import Call, CallQuestion, Challenge, Criterion, Participation, Tag

pytestmark = pytest.mark.django_db


def counts():
    return [
        model.objects.count()
        for model in (Call, Participation, Challenge, Criterion, CallQuestion, Tag)
    ]


def test_seed_demo_twice_duplicates_nothing_and_keeps_the_deadline(settings, time_machine):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    phase2 = Call.objects.get(slug="qmi2-phase-2")
    before = counts()
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == before
    assert Call.objects.get(slug="qmi2-phase-2").closes_at == phase2.closes_at


def test_demo_calls_as_the_issue_says(settings):
    from calls import demo as calls_demo
    from communes import demo as communes_demo

    seeded = calls_demo.seed(communes_demo.seed())
    calls = seeded["calls"]
    assert set(calls) == {"qmi1", "qmi2_phase1", "qmi2_phase2"}
    now = timezone.now()

    qmi1 = calls["qmi1"]
    assert qmi1.state(now) == Call.State.RESULTS and qmi1.closes_at.year == 2023
    assert sorted(p.commune.name for p in qmi1.participations.all()) == [
        "Aulnay-sous-Bois",
        "Meudon",
        "Noisy-le-Grand",
        "Sceaux",
    ]
    quotas = qmi1.participations.all()
    assert sum(p.quota_min for p in quotas) <= 18 <= sum(p.quota_max for p in quotas)

    phase1 = calls["qmi2_phase1"]
    assert phase1.closes_at.year == 2024 and phase1.closes_at < now
    assert sorted(p.commune.name for p in phase1.participations.all()) == [
        "Athis-Mons",
        "Aubervilliers",
        "Fontenay-sous-Bois",
    ]

    phase2 = calls["qmi2_phase2"]
    assert phase2.is_open(now)
    days_left = (phase2.closes_at - now) / datetime.timedelta(days=1)
    assert 21 <= days_left < 22
    participations = list(phase2.participations.all())
    assert sorted(p.commune.name for p in participations) == [
        "Argenteuil",
        "Issy-les-Moulineaux",
        "Sucy-en-Brie",
    ]
    assert {(p.quota_min, p.quota_max) for p in participations} == {(6, 8)}
    argenteuil = next(p for p in participations if p.commune.name == "Argenteuil")
    assert argenteuil.quarter_name == "Secteur Porte Saint-Germain"
    assert all(challenge.tags.exists() for challenge in argenteuil.challenges.all())
    for call in calls.values():
        assert call.criteria.count() == 5
        assert call.questions.filter(is_published=True).exists()
        # No stub upload: the rules are generated from the call's data.
        assert not call.rules_document
