"""Contact phone numbers: validated with phonenumbers, stored in E.164."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.forms.organisation import OrganisationForm
from applications.models import Organisation
from applications.validators import phone_to_e164
from tests.factories import MembershipFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db


def data(**changes):
    return {
        "name": "Vélo Vert SAS",
        "kind": "startup",
        "country": "FR",
        "siret": "73282932000074",
        "contact_phone": "",
        **changes,
    }


@pytest.mark.parametrize(
    ("typed", "country", "stored"),
    [
        ("01 23 45 67 89", "FR", "+33123456789"),
        ("06.01.02.03.04", "FR", "+33601020304"),
        ("+33 6 01 02 03 04", "FR", "+33601020304"),
        ("0033 6 01 02 03 04", "FR", "+33601020304"),
        ("02 511 22 33", "BE", "+3225112233"),  # read in the organisation's country
        ("+44 20 7946 0958", "FR", "+442079460958"),
    ],
)
def test_numbers_are_stored_in_e164(typed, country, stored):
    form = OrganisationForm(data(contact_phone=typed, country=country, siret=""))
    if country == "FR":
        form = OrganisationForm(data(contact_phone=typed))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["contact_phone"] == stored


@pytest.mark.parametrize("typed", ["12", "01 23 45", "06 01 02 03 04 05 06", "téléphone", "+999 1"])
def test_a_wrong_number_gets_a_clear_message(typed):
    form = OrganisationForm(data(contact_phone=typed))
    assert not form.is_valid()
    message = form.errors["contact_phone"][0]
    assert "n'est pas valide" in message and "01 23 45 67 89" in message


def test_the_model_refuses_an_invalid_number_itself():
    organisation = Organisation(name="X", kind="individual", contact_phone="123")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "contact_phone" in error.value.message_dict
    with pytest.raises(ValidationError):
        phone_to_e164("0")


def test_the_organisation_page_shows_the_number_in_the_french_format(client):
    owner = MembershipFactory(role="owner")
    organisation = owner.organisation
    client.force_login(owner.user)
    url = reverse("applications:organisation_edit", args=[organisation.pk])
    bad = client.post(url, data(name=organisation.name, contact_phone="01 23"))
    assert bad.status_code == 400
    assert "01 23" in bad.content.decode()  # kept in the field
    response = client.post(url, data(name=organisation.name, contact_phone="0123456789"))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.contact_phone == "+33123456789"
    page = plain(client.get(response["Location"]).content.decode())
    assert "01 23 45 67 89" in page and 'href="tel:+33123456789"' in page
