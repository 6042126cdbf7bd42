"""Issue 14.3: a duplicate SIRET or invitation gets a message saying what to do, never a
constraint name nor a database error; each error is shown once."""

import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import Organisation, OrganisationInvitation
from applications.services import organisations as organisation_services
from notifications.models import OutboxMessage
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"


def constraint_names():
    return {
        constraint.name
        for model in apps.get_models()
        for constraint in model._meta.constraints
        if constraint.name
    }


def assert_no_database_words(html):
    for name in constraint_names():
        assert name not in html, name
    for word in ("IntegrityError", "contrainte", "UNIQUE constraint", "duplicate key"):
        assert word not in html, word


def test_a_duplicate_siret_says_the_organisation_exists_and_how_to_join(client):
    owner = MembershipFactory(
        organisation=OrganisationFactory(name="Vélo Vert SAS", siret=SIRET),
        user=UserFactory(email="owner@velovert.example"),
    ).user
    stranger = UserFactory()
    client.force_login(stranger)
    response = client.post(
        reverse("applications:organisation_create"),
        {"name": "Vélo Vert", "kind": "startup", "country": "FR", "siret": "732 829 320 00074"},
    )
    html = plain(response.content.decode())
    assert response.status_code == 400
    assert "Une organisation avec ce SIRET est déjà inscrite : « Vélo Vert SAS »" in html
    assert "de vous inviter depuis la page de l'organisation" in html
    assert owner.email not in html  # a stranger never learns the owner's address
    assert_no_database_words(html)
    # Next to the field and once in the summary (a link to it), nowhere else.
    assert html.count("est déjà inscrite") == 2
    assert 'href="#id_siret"' in html
    assert Organisation.objects.count() == 1


def test_an_owner_keeps_the_siret_of_their_own_organisation(client):
    membership = MembershipFactory(organisation=OrganisationFactory(siret=SIRET))
    client.force_login(membership.user)
    response = client.post(
        reverse("applications:organisation_edit", args=[membership.organisation.pk]),
        {"name": "Nouveau nom", "kind": "startup", "country": "FR", "siret": SIRET},
    )
    assert response.status_code == 302


def test_the_service_refuses_a_duplicate_siret_with_the_same_message():
    OrganisationFactory(name="Vélo Vert SAS", siret=SIRET)
    with pytest.raises(ValidationError) as error:
        organisation_services.create_organisation(
            user=UserFactory(), name="Autre", kind="startup", country="FR", siret=SIRET
        )
    assert "déjà inscrite" in error.value.message_dict["siret"][0]


def test_a_siret_registered_at_the_same_instant_gets_the_message_not_a_500(monkeypatch):
    """The check passed, then another request saved the SIRET: the database refuses,
    the person reads the same message."""
    OrganisationFactory(name="Vélo Vert SAS", siret=SIRET)
    real = organisation_services._siret_taken
    calls = []

    def racing(siret, exclude_pk=None):
        calls.append(siret)
        return None if len(calls) == 1 else real(siret, exclude_pk)

    monkeypatch.setattr(organisation_services, "_siret_taken", racing)
    monkeypatch.setattr(Organisation, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as error:
        organisation_services.create_organisation(
            user=UserFactory(), name="Autre", kind="startup", country="FR", siret=SIRET
        )
    assert "déjà inscrite" in error.value.message_dict["siret"][0]
    assert Organisation.objects.count() == 1


def test_a_second_invitation_to_the_same_address_says_the_first_is_pending(
    client, django_capture_on_commit_callbacks
):
    owner = MembershipFactory().user
    organisation = owner.organisations.get()
    client.force_login(owner)
    url = reverse("applications:organisation_detail", args=[organisation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"email": "Camille@Example.org", "role": "member"})
        second = client.post(url, {"email": "camille@example.org", "role": "member"})
    assert first.status_code == 302
    html = plain(second.content.decode())
    assert second.status_code == 400
    assert "attend déjà une réponse" in html
    assert re.search(r"jusqu'au \d+ \w+ \d{4}", html)
    assert_no_database_words(html)
    assert OrganisationInvitation.objects.count() == 1
    assert OutboxMessage.objects.filter(kind="organisation_invitation").count() == 1
