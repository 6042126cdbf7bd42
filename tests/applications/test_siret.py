import pytest
from django.core.exceptions import ValidationError

from applications.forms.organisation import OrganisationForm
from applications.validators import siret_is_valid, validate_siret


def test_valid_siret_passes():
    validate_siret("73282932000074")
    validate_siret("732 829 320 00074")  # spaces as people type them


def test_wrong_checksum_is_refused_with_its_own_message():
    with pytest.raises(ValidationError) as error:
        validate_siret("73282932000075")
    assert error.value.code == "siret_checksum"


@pytest.mark.parametrize("value", ["7328293200007", "732829320000740", "7328293200007A"])
def test_wrong_length_or_letters_are_refused(value):
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.code == "siret_length"


def test_la_poste_establishment_fails_luhn_but_is_valid():
    # 35600000000010: Luhn fails, digit sum 15 is a multiple of 5 (La Poste rule).
    assert siret_is_valid("35600000000010")
    validate_siret("35600000000010")
    # The exception is La Poste's only: the same digit rule elsewhere is refused.
    assert not siret_is_valid("35600000000011")
    assert not siret_is_valid("12300000000010")


def _organisation_data(**overrides):
    return {"name": "Vélo Vert", "kind": "startup", "country": "FR", "siret": "", **overrides}


def test_siret_is_required_for_a_french_legal_entity(db):
    form = OrganisationForm(_organisation_data())
    assert not form.is_valid()
    assert "obligatoire" in form.errors["siret"][0]


def test_siret_is_optional_abroad_and_for_individuals(db):
    assert OrganisationForm(_organisation_data(country="be")).is_valid()
    assert OrganisationForm(_organisation_data(kind="individual")).is_valid()


def test_form_reports_a_bad_checksum_next_to_the_field(db):
    form = OrganisationForm(_organisation_data(siret="73282932000075"))
    assert not form.is_valid()
    assert "clé de contrôle" in form.errors["siret"][0]
