"""Issue 14.3 and 14.7 in the back-office: which date is wrong, who already holds a unique
value, duplicate participations and invitations, non-field errors shown once, slugs
made from names."""

import pytest
from django.urls import reverse

from calls.models import Call, Edition, Participation
from communes.models import Commune, TeamInvitation
from notifications.models import OutboxMessage
from tests.applications.test_messages_users_can_act_on import assert_no_database_words
from tests.calls.test_backoffice import call_form_data
from tests.factories import (
    ApplicationFactory,
    ApplicationTargetFactory,
    CallFactory,
    CommuneFactory,
    EditionFactory,
    ParticipationFactory,
)
from tests.typography import plain

pytestmark = pytest.mark.django_db


def edition_data(**overrides):
    data = {
        "number": "7",
        "code": "QMI7",
        "name": "Septième édition",
        "slug": "",
        "starts_on": "2031-01-10",
        "ends_on": "2032-06-30",
        "description": "",
    }
    data.update(overrides)
    return data


def field_errors(response, name):
    return [str(e) for e in response.context["form"].errors.get(name, [])]


def test_an_edition_ending_before_it_starts_says_which_date_and_why(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("backoffice:edition_create"), edition_data(ends_on="2031-01-09"))
    html = plain(response.content.decode())
    assert response.status_code == 400
    (message,) = field_errors(response, "ends_on")
    assert "9 janvier 2031" in message and "10 janvier 2031" in message
    assert "La fin (9 janvier 2031) précède le début de l'édition (10 janvier 2031)" in html
    assert html.count("précède le début") == 2  # at the field and in the summary
    assert_no_database_words(html)
    assert not Edition.objects.filter(code="QMI7").exists()


def test_an_edition_may_end_the_day_it_starts(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("backoffice:edition_create"), edition_data(ends_on="2031-01-10"))
    assert response.status_code == 302


def test_a_call_closing_before_it_opens_names_both_dates_on_the_deadline(client, admin_user):
    edition = EditionFactory()
    participation = ParticipationFactory(call=None, edition=edition)
    client.force_login(admin_user)
    data = call_form_data(
        edition, [participation], opens_at="2030-03-01T09:00", closes_at="2030-03-01T09:00"
    )
    response = client.post(reverse("backoffice:call_create"), data)
    assert response.status_code == 400
    (message,) = field_errors(response, "closes_at")
    assert "1 mars 2030 à 09 h 00" in plain(message)
    assert_no_database_words(plain(response.content.decode()))


def test_unique_values_say_who_holds_them(client, admin_user):
    EditionFactory(number=7, code="QMI7", slug="septieme", name="Septième édition")
    client.force_login(admin_user)
    response = client.post(
        reverse("backoffice:edition_create"),
        edition_data(code="QMI7", number="7", slug="septieme", name="Autre"),
    )
    html = plain(response.content.decode())
    assert response.status_code == 400
    for name in ("number", "code", "slug"):
        (message,) = field_errors(response, name)
        assert "est déjà utilisé par l'édition « QMI7 – Septième édition »" in plain(message)
    assert_no_database_words(html)


def test_a_commune_whose_insee_code_exists_is_named(client, admin_user):
    CommuneFactory(name="Argenteuil", insee_code="95018", slug="argenteuil")
    client.force_login(admin_user)
    response = client.post(
        reverse("backoffice:commune_create"),
        {"name": "Argenteuil", "slug": "", "insee_code": "95018", "department": "Val-d'Oise"},
    )
    assert response.status_code == 400
    (message,) = field_errors(response, "insee_code")
    assert "« 95018 » est déjà utilisé par la commune « Argenteuil »" in plain(message)
    assert_no_database_words(plain(response.content.decode()))


def test_an_empty_slug_is_made_from_the_name_and_never_collides(client, admin_user):
    CommuneFactory(name="Saint-Denis", insee_code="93066", slug="saint-denis")
    client.force_login(admin_user)
    response = client.post(
        reverse("backoffice:commune_create"),
        {"name": "Saint-Denis", "slug": "", "insee_code": "97411", "department": "La Réunion"},
    )
    assert response.status_code == 302
    assert Commune.objects.get(insee_code="97411").slug == "saint-denis-2"
    response = client.post(reverse("backoffice:edition_create"), edition_data(name="Édition d'été"))
    assert response.status_code == 302
    assert Edition.objects.get(code="QMI7").slug == "edition-dete"


def test_a_typed_slug_is_kept(client, admin_user):
    client.force_login(admin_user)
    client.post(reverse("backoffice:edition_create"), edition_data(slug="qmi-7"))
    assert Edition.objects.get(code="QMI7").slug == "qmi-7"


def test_the_slug_field_follows_the_name_in_the_browser(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("backoffice:call_create")).content.decode()
    assert 'data-slug-from="id_title"' in html
    assert "qmi/js/backoffice.js" in html


def test_a_commune_taking_part_twice_in_an_edition_is_refused_on_the_commune(client, admin_user):
    participation = ParticipationFactory(call=None)
    client.force_login(admin_user)
    response = client.post(
        reverse("backoffice:participation_create"),
        {
            "edition": participation.edition.pk,
            "commune": participation.commune.pk,
            "quarter_name": "Centre",
            "quota_min": "6",
            "quota_max": "8",
            "challenges-TOTAL_FORMS": "0",
            "challenges-INITIAL_FORMS": "0",
            "challenges-MIN_NUM_FORMS": "0",
            "challenges-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 400
    (message,) = field_errors(response, "commune")
    assert f"{participation.commune.name} participe déjà à l'édition" in plain(message)
    assert_no_database_words(plain(response.content.decode()))
    assert Participation.objects.count() == 1


def test_a_non_field_error_is_shown_once(client, admin_user):
    """The summary at the top holds it; the form below does not repeat it."""
    call = CallFactory()
    participation = ParticipationFactory(call=call, quota_min=1, quota_max=2)
    Participation.objects.filter(pk=participation.pk).update(selection_finalised_at=call.closes_at)
    ApplicationTargetFactory(application=ApplicationFactory(call=call), participation=participation)
    client.force_login(admin_user)
    response = client.post(
        reverse("backoffice:participation_edit", args=[participation.pk]),
        {
            "edition": participation.edition.pk,
            "commune": participation.commune.pk,
            "quarter_name": participation.quarter_name,
            "quota_min": "1",
            "quota_max": "3",
            "challenges-TOTAL_FORMS": "0",
            "challenges-INITIAL_FORMS": "0",
            "challenges-MIN_NUM_FORMS": "0",
            "challenges-MAX_NUM_FORMS": "1000",
        },
    )
    html = plain(response.content.decode())
    assert response.status_code == 400
    assert html.count("rouvrez-la avant de changer ses quotas") == 1


def test_a_second_team_invitation_to_the_same_address_says_what_to_do(
    client, admin_user, django_capture_on_commit_callbacks
):
    commune = CommuneFactory()
    client.force_login(admin_user)
    url = reverse("communes:team", args=[commune.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"email": "a@example.org", "role": "reviewer"}).status_code == 302
        response = client.post(url, {"email": "A@example.org", "role": "manager"})
    html = plain(response.content.decode())
    assert response.status_code == 400
    assert "attend déjà une réponse" in html and "annulez d'abord celle-ci" in html
    assert_no_database_words(html)
    assert TeamInvitation.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="team_invitation").count() == 1


def test_a_call_slug_left_empty_comes_from_the_title(client, admin_user):
    edition = EditionFactory()
    participation = ParticipationFactory(call=None, edition=edition)
    client.force_login(admin_user)
    data = call_form_data(edition, [participation], slug="", title="Appel à projets 2031")
    response = client.post(reverse("backoffice:call_create"), data)
    assert response.status_code == 302
    assert Call.objects.get().slug == "appel-a-projets-2031"


def _criteria_errors(client, edition, participation, **overrides):
    data = call_form_data(edition, [participation], **overrides)
    return client.post(reverse("backoffice:call_create"), data)


def test_an_error_in_a_row_is_summarised_at_the_top_with_a_link(client, admin_user):
    edition = EditionFactory()
    participation = ParticipationFactory(call=None, edition=edition)
    client.force_login(admin_user)
    response = _criteria_errors(client, edition, participation, **{"criteria-1-weight": "0"})
    html = plain(response.content.decode())
    assert response.status_code == 400
    assert "Le formulaire contient une erreur" in html
    assert 'href="#id_criteria-1-weight">Critère 2, pondération :' in html


def test_a_formset_wide_error_is_shown_once(client, admin_user):
    edition = EditionFactory()
    participation = ParticipationFactory(call=None, edition=edition)
    client.force_login(admin_user)
    unnamed = {f"criteria-{index}-name": "" for index in range(6)}
    response = _criteria_errors(client, edition, participation, **unnamed)
    html = plain(response.content.decode())
    assert response.status_code == 400
    assert html.count("Un appel a au moins un critère d'évaluation.") == 1
    assert 'href="#criteria-rows"' in html


def test_the_summary_counts_errors_not_fields():
    from django import forms

    from qmi.templatetags.qmi_tags import error_count

    class TwoErrors(forms.Form):
        name = forms.CharField()

        def clean(self):
            self.add_error("name", "Première erreur.")
            self.add_error("name", "Seconde erreur.")

    form = TwoErrors({"name": "x"})
    assert error_count(form) == 2
    assert error_count(TwoErrors()) == 0
