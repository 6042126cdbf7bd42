import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.forms.organisation import OrganisationForm
from applications.models import Organisation
from applications.validators import validate_siret


@pytest.mark.parametrize("value", ["73282932000074", "732 829 320 00074", " 73282932000074 "])
def test_a_valid_siret_is_accepted_and_kept_as_its_14_digits(db, value):
    form = OrganisationForm(_organisation_data(siret=value))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["siret"] == "73282932000074"
    # One digit off and the same value is refused: the check above is not vacuous.
    with pytest.raises(ValidationError):
        validate_siret(value.replace("74", "75"))


@pytest.mark.parametrize("value", ["", "   "])
def test_an_empty_siret_is_no_siret_where_none_is_required(db, value):
    form = OrganisationForm(_organisation_data(country="BE", siret=value))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["siret"] == ""


def test_wrong_checksum_is_refused_with_its_own_message():
    with pytest.raises(ValidationError) as error:
        validate_siret("73282932000075")
    assert error.value.code == "siret_checksum"


@pytest.mark.parametrize(
    "value",
    [
        "7328293200007",
        "732829320000740",
        "7328293200007A",
        "7328293200007²",  # str.isdigit() says yes, int() says no
        "٧٣٢٨٢٩٣٢٠٠٠٠٧٤",  # Arabic-Indic digits of a valid SIRET
        "７３２８２９３２０００７４",  # full-width digits
    ],
)
def test_wrong_length_or_non_ascii_digits_are_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.code == "siret_length"


def test_la_poste_establishments_follow_their_own_rule(db):
    # 35600000000010: Luhn fails, digit sum 15 is a multiple of 5 (La Poste rule).
    form = OrganisationForm(_organisation_data(siret="35600000000010"))
    assert form.is_valid(), form.errors
    # The exception is La Poste's only: the same digit rule elsewhere is refused.
    for value in ("35600000000011", "12300000000010"):
        with pytest.raises(ValidationError) as error:
            validate_siret(value)
        assert error.value.code == "siret_checksum"


def _organisation_data(**overrides):
    return {"name": "Vélo Vert", "kind": "startup", "country": "FR", "siret": "", **overrides}


def test_siret_is_required_for_a_french_legal_entity(db):
    form = OrganisationForm(_organisation_data())
    assert not form.is_valid()
    assert "obligatoire" in form.errors["siret"][0]


def test_siret_is_optional_abroad_and_for_individuals(db):
    assert OrganisationForm(_organisation_data(country="BE")).is_valid()
    assert OrganisationForm(_organisation_data(kind="individual")).is_valid()


def test_country_is_chosen_from_the_list(db):
    form = OrganisationForm(_organisation_data(country="XX"))
    assert not form.is_valid()
    assert "country" in form.errors
    choices = list(OrganisationForm().fields["country"].choices)
    assert choices[0] == ("FR", "France")  # first, then every country in order


def test_form_reports_a_bad_checksum_next_to_the_field(db):
    form = OrganisationForm(_organisation_data(siret="73282932000075"))
    assert not form.is_valid()
    assert "clé de contrôle" in form.errors["siret"][0]


@pytest.mark.parametrize("siret", ["7328293200007²", "٧٣٢٨٢٩٣٢٠٠٠٠٧٤"])
def test_exotic_digits_in_the_page_are_a_form_error_not_a_500(client, user, siret):
    client.force_login(user)
    response = client.post(
        reverse("applications:organisation_create"),
        {"name": "Vélo Vert SAS", "kind": "startup", "country": "FR", "siret": siret},
    )
    assert response.status_code == 400
    assert "14 chiffres" in response.content.decode()
    assert siret in response.content.decode()  # what was typed is kept
    assert not Organisation.objects.exists()
