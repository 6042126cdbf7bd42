import pytest
from django.urls import reverse

from applications.models import Application, ApplicationTarget
from applications.views.candidate import STASH_KEY
from tests.applications.candidate_factories import complete_draft, member_of
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    ChallengeFactory,
    MembershipFactory,
    ParticipationFactory,
)
from tests.typography import plain

pytestmark = pytest.mark.django_db


def step_url(application, step):
    return reverse("applications:step", args=[application.pk, step])


def test_start_creates_one_application_and_a_second_attempt_leads_to_it(client):
    membership = MembershipFactory()
    call = CallFactory()
    client.force_login(membership.user)
    url = reverse("applications:start", args=[call.slug])
    first = client.post(url, {"organisation": membership.organisation.pk})
    application = Application.objects.get()
    assert first["Location"] == step_url(application, "communes")
    second = client.post(url, {"organisation": membership.organisation.pk})
    assert second["Location"] == reverse("applications:detail", args=[application.pk])
    assert client.get(url)["Location"] == reverse("applications:detail", args=[application.pk])
    assert Application.objects.count() == 1


def test_start_without_organisation_asks_to_create_one_first(client, user):
    call = CallFactory()
    client.force_login(user)
    response = client.get(reverse("applications:start", args=[call.slug]))
    assert response["Location"].startswith(reverse("applications:organisation_create"))
    assert "next=" in response["Location"]


def test_start_on_a_closed_call_creates_nothing(client, candidate):
    from datetime import timedelta

    from django.utils import timezone

    call = CallFactory(
        opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(candidate)
    organisation = candidate.organisations.get()
    client.post(reverse("applications:start", args=[call.slug]), {"organisation": organisation.pk})
    assert not Application.objects.exists()


def test_targets_and_challenges_are_saved_and_a_foreign_challenge_refused(client):
    application = ApplicationFactory()
    member = member_of(application.organisation)
    chosen = ParticipationFactory(call=application.call)
    other = ParticipationFactory(call=application.call)
    mine, theirs = ChallengeFactory(participation=chosen), ChallengeFactory(participation=other)
    client.force_login(member)
    bad = client.post(
        step_url(application, "communes"),
        {"participations": [chosen.pk], "challenges": [theirs.pk], "version": 1},
    )
    assert bad.status_code == 400
    assert not application.targets.exists()
    ok = client.post(
        step_url(application, "communes"),
        {"participations": [chosen.pk], "challenges": [mine.pk], "version": 1, "go": "next"},
    )
    assert ok["Location"] == step_url(application, "projet")
    assert list(application.targets.values_list("participation", flat=True)) == [chosen.pk]
    assert list(application.challenges.all()) == [mine]


def test_a_validation_error_loses_nothing_typed(client):
    application = ApplicationFactory(title="")
    client.force_login(member_of(application.organisation))
    response = client.post(
        step_url(application, "projet"),
        {"title": "Mon titre", "summary": "x" * 501, "solution": "Ma solution", "version": 1},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Mon titre"' in html and "Ma solution" in html and "x" * 501 in html
    assert 'href="#id_summary"' in html  # the summary links to the field
    application.refresh_from_db()
    assert application.title == ""


def test_experiment_per_targeted_commune(client):
    application = complete_draft()
    target = application.targets.get()
    client.force_login(member_of(application.organisation))
    prefix = f"t{target.pk}-"
    response = client.post(
        step_url(application, "experimentation"),
        {
            f"{prefix}experiment_what": "Bornes",
            f"{prefix}experiment_where": "Place du marché",
            f"{prefix}experiment_duration_months": "24",
            "version": application.version,
        },
    )
    assert response.status_code == 400
    assert "18" in response.content.decode()
    data = {f"{prefix}experiment_duration_months": "6", "version": application.version}
    client.post(
        step_url(application, "experimentation"), {**data, f"{prefix}experiment_what": "Bornes"}
    )
    target.refresh_from_db()
    assert (target.experiment_what, target.experiment_duration_months) == ("Bornes", 6)


def test_autosave_answers_json_with_the_new_version(client):
    application = ApplicationFactory()
    client.force_login(member_of(application.organisation))
    response = client.post(
        step_url(application, "projet"),
        {"title": "Brouillon auto", "version": 1},
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2
    application.refresh_from_db()
    assert application.title == "Brouillon auto"


def test_two_members_saving_the_same_draft_get_a_clear_conflict(client):
    """First save wins; the second is refused with a message, its text kept in the form."""
    application = ApplicationFactory(title="Départ")
    alice, bob = member_of(application.organisation), member_of(application.organisation)
    loaded_version = application.version  # both opened the step at this version

    client.force_login(alice)
    client.post(
        step_url(application, "projet"), {"title": "Titre d'Alice", "version": loaded_version}
    )
    client.force_login(bob)
    response = client.post(
        step_url(application, "projet"), {"title": "Titre de Bob", "version": loaded_version}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert alice.display_name in html and "pendant que vous la modifiiez" in html
    assert 'value="Titre de Bob"' in html
    application.refresh_from_db()
    assert application.title == "Titre d'Alice"
    # Saving again from the re-rendered form (current version) replaces Alice's title.
    assert f'name="version" value="{application.version}"' in html
    client.post(
        step_url(application, "projet"), {"title": "Titre de Bob", "version": application.version}
    )
    application.refresh_from_db()
    assert application.title == "Titre de Bob"
    # The autosave of a stale page gets the same answer as JSON.
    client.force_login(alice)
    stale = client.post(
        step_url(application, "projet"),
        {"title": "Encore Alice", "version": loaded_version},
        headers={"X-Autosave": "1"},
    )
    assert stale.status_code == 409 and stale.json()["conflict"]


def test_a_post_from_an_expired_session_is_kept_until_log_in(client):
    application = ApplicationFactory(title="")
    member = member_of(application.organisation)
    url = step_url(application, "projet")
    response = client.post(url, {"title": "Tapé avant expiration", "version": 1})
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.session[STASH_KEY]["path"] == url

    client.force_login(member)  # keeps the anonymous session's data, like allauth
    page = client.get(url).content.decode()
    assert 'value="Tapé avant expiration"' in page
    assert STASH_KEY not in client.session
    client.post(url, {"title": "Tapé avant expiration", "version": 1})
    application.refresh_from_db()
    assert application.title == "Tapé avant expiration"


def test_unchecking_a_commune_removes_its_target(client):
    application = complete_draft()
    client.force_login(member_of(application.organisation))
    kept = ParticipationFactory(call=application.call)
    client.post(step_url(application, "communes"), {"participations": [kept.pk], "version": 1})
    assert list(ApplicationTarget.objects.values_list("participation", flat=True)) == [kept.pk]


def test_progress_indicator_and_checklist(client):
    application = complete_draft(title="")
    client.force_login(member_of(application.organisation))
    html = plain(client.get(step_url(application, "validation")).content.decode())
    assert "6 étapes complètes sur 7" in html
    assert 'aria-current="step"' in html
    assert "Manque" in html and "titre du projet" in html


@pytest.mark.parametrize("forged", ["999999999999999999999999", "²", "-1", "0"])
def test_ids_no_database_can_hold_are_a_form_error_not_a_500(client, forged):
    application = complete_draft()
    target = application.targets.get()
    challenge = target.participation.challenges.get()
    application.challenges.add(challenge)
    client.force_login(member_of(application.organisation))
    url = step_url(application, "communes")
    for data in (
        {"participations": [target.participation_id], "challenges": [forged]},
        {"participations": [forged], "challenges": [challenge.pk]},
    ):
        response = client.post(url, {**data, "version": application.version})
        assert response.status_code == 400
        assert "error-summary" in response.content.decode()
    # Nothing saved is lost.
    assert list(application.targets.all()) == [target]
    assert list(application.challenges.all()) == [challenge]


def test_a_forged_organisation_id_on_start_is_a_form_error(client):
    membership = MembershipFactory()
    call = CallFactory()
    client.force_login(membership.user)
    url = reverse("applications:start", args=[call.slug])
    for forged in ("999999999999999999999999", "²"):
        response = client.post(url, {"organisation": forged})
        assert response.status_code == 200
        assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("version", ["9" * 30, "²", "abc"])
def test_a_version_no_database_can_hold_is_read_as_unknown(client, version):
    application = ApplicationFactory()
    client.force_login(member_of(application.organisation))
    response = client.post(
        step_url(application, "projet"),
        {"title": "Titre gardé", "version": version},
        headers={"X-Autosave": "1"},
    )
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.title == "Titre gardé"
