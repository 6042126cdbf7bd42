"""The step forms validate and the drafting service writes; the step page's
progress, challenges and recap."""

import re

import pytest
from django.db import connection
from django.forms import BaseFormSet
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.forms.application import form_for_step
from applications.models import ApplicationTarget
from tests.applications.candidate_factories import complete_draft, member_of
from tests.factories import ApplicationFactory, ChallengeFactory, ParticipationFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)", re.I)


def step_url(application, step):
    return reverse("applications:step", args=[application.pk, step])


def _post(data):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def test_validating_any_step_form_writes_nothing():
    application = complete_draft()
    target = application.targets.get()
    other = ParticipationFactory(call=application.call)
    posts = {
        "communes": {"participations": [str(other.pk)]},
        "projet": {"title": "Nouveau titre"},
        "experimentation": {f"t{target.pk}-experiment_what": "Autre chose"},
        "impact": {"impact": "Plus"},
        "budget": {"budget_cost": "10"},
        "validation": {"accept_rules": "on"},
    }
    for step, data in posts.items():
        form = form_for_step(step, application, _post(data))
        with CaptureQueriesContext(connection) as queries:
            assert form.is_valid(), (step, form.errors)
        assert not [q["sql"] for q in queries if WRITES.match(q["sql"])], step
        assert not hasattr(form, "apply"), step
    assert list(application.targets.values_list("participation", flat=True)) == [
        target.participation_id
    ]
    target.refresh_from_db()
    assert target.experiment_what == "Livraisons du dernier kilomètre."


def test_the_experiments_are_a_django_formset_of_the_targets_without_management_form():
    application = complete_draft()
    second = ApplicationTarget.objects.create(
        application=application, participation=ParticipationFactory(call=application.call)
    )
    formset = form_for_step("experimentation", application)
    assert isinstance(formset, BaseFormSet)
    assert [form.prefix for form in formset] == [
        f"t{target.pk}" for target in application.targets.order_by("participation__commune__name")
    ]
    assert second.pk in {form.instance.pk for form in formset}


def test_a_forged_target_of_another_application_is_never_written(client):
    application = complete_draft()
    foreign = complete_draft().targets.get()
    mine = application.targets.get()
    client.force_login(member_of(application.organisation))
    response = client.post(
        step_url(application, "experimentation"),
        {
            f"t{mine.pk}-experiment_what": "Le mien",
            f"t{foreign.pk}-experiment_what": "Piraté",
            "version": application.version,
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    foreign.refresh_from_db()
    assert mine.experiment_what == "Le mien"
    assert foreign.experiment_what == "Livraisons du dernier kilomètre."


def test_formset_errors_are_summarised_per_commune_and_answered_as_json(client):
    application = complete_draft()
    target = application.targets.get()
    client.force_login(member_of(application.organisation))
    field = f"t{target.pk}-experiment_duration_months"
    data = {field: "40", "version": application.version}
    page = client.post(step_url(application, "experimentation"), data)
    assert page.status_code == 400
    html = plain(page.content.decode())
    assert "Le formulaire contient une erreur" in html
    assert f'href="#id_{field}"' in page.content.decode()
    assert target.participation.commune.name in html
    autosave = client.post(
        step_url(application, "experimentation"), data, headers={"X-Autosave": "1"}
    )
    assert autosave.status_code == 400
    assert list(autosave.json()["errors"]) == [field]


def test_a_refused_save_never_counts_its_step_as_complete(client):
    application = complete_draft()
    client.force_login(member_of(application.organisation))
    saved = plain(client.get(step_url(application, "projet")).content.decode())
    assert "7 étapes complètes sur 7" in saved
    refused = client.post(
        step_url(application, "projet"),
        {"title": "", "summary": "x" * 501, "version": application.version},
    )
    assert refused.status_code == 400
    html = plain(refused.content.decode())
    assert "6 étapes complètes sur 7" in html
    current = re.search(
        r'<li class="step-item is-current([^"]*)">(.*?)</li>', refused.content.decode(), re.S
    )
    assert current and "is-done" not in current.group(1)
    assert "à compléter" in current.group(2)


def test_a_conflicting_save_never_counts_its_step_as_complete(client):
    application = complete_draft()
    alice, bob = member_of(application.organisation), member_of(application.organisation)
    version = application.version
    client.force_login(alice)
    client.post(step_url(application, "budget"), {"budget_cost": "1", "version": version})
    client.force_login(bob)
    response = client.post(
        step_url(application, "budget"), {"budget_cost": "2", "version": version}
    )
    assert response.status_code == 409
    assert "6 étapes complètes sur 7" in plain(response.content.decode())


def test_one_step_complete_reads_in_the_singular(client):
    application = ApplicationFactory(accepted_rules_at=None)
    client.force_login(member_of(application.organisation))
    from django.utils import timezone

    application.accepted_rules_at = application.accepted_privacy_at = timezone.now()
    application.save()
    html = plain(client.get(step_url(application, "projet")).content.decode())
    assert "1 étape complète sur 7" in html


def test_only_the_challenges_of_the_chosen_communes_are_offered(client):
    application = ApplicationFactory()
    chosen = ParticipationFactory(call=application.call)
    other = ParticipationFactory(call=application.call)
    mine = ChallengeFactory(participation=chosen, title="Défi choisi")
    theirs = ChallengeFactory(participation=other, title="Défi d'ailleurs")
    ApplicationTarget.objects.create(application=application, participation=chosen)
    client.force_login(member_of(application.organisation))
    html = client.get(step_url(application, "communes")).content.decode()

    def group(participation):
        match = re.search(
            rf'<div class="challenge-group mb-2" data-participation="{participation.pk}"([^>]*)>',
            html,
        )
        assert match, participation
        return match.group(1)

    assert "hidden" not in group(chosen)
    assert "hidden" in group(other)
    assert f'value="{mine.pk}"' in html and f'value="{theirs.pk}"' in html
    # Posted with another commune's challenge: refused, nothing saved.
    response = client.post(
        step_url(application, "communes"),
        {"participations": [chosen.pk], "challenges": [theirs.pk], "version": 1},
    )
    assert response.status_code == 400
    assert "Défi d'ailleurs" in plain(response.content.decode())
    assert not application.challenges.exists()


def test_the_last_step_recaps_every_answer_with_a_link_to_each_step(client):
    application = complete_draft(title="Vélos cargos", budget_cost=25000)
    target = application.targets.get()
    client.force_login(member_of(application.organisation))
    response = client.get(step_url(application, "validation"))
    html = plain(response.content.decode())
    recap = html[html.index("Récapitulatif de vos réponses") : html.index("Liste de vérification")]
    for answer in [
        target.participation.commune.name,
        application.challenges.first().title if application.challenges.exists() else "",
        "Vélos cargos",
        "Des vélos cargos partagés.",
        "prototype",
        "Livraisons du dernier kilomètre.",
        "Autour du marché.",
        "Moins de camionnettes.",
        "Deux fondateurs, un mécanicien.",
        "25 000 €",
        "Fonds propres et BPI.",
        "pitch.pdf",
    ]:
        assert answer in recap, answer
    for step in ["communes", "projet", "experimentation", "impact", "budget", "pieces"]:
        assert (
            f'href="{step_url(application, step)}"'
            in response.content.decode().split("Récapitulatif")[1].split("Liste de vérification")[0]
        )
    assert "Déposer ma candidature" in html


def test_the_recap_says_what_is_not_answered_and_escapes_what_was_typed(client):
    application = ApplicationFactory(title="<script>alert(1)</script>", summary="")
    client.force_login(member_of(application.organisation))
    html = client.get(step_url(application, "validation")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "(non renseigné)" in plain(html)
