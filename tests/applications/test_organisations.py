import re

import pytest
from django.core import mail
from django.urls import reverse

from applications.models import Organisation, OrganisationInvitation, OrganisationMembership
from notifications.models import OutboxMessage
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_candidate_creates_an_organisation_and_owns_it(client, user):
    client.force_login(user)
    response = client.post(
        reverse("applications:organisation_create"),
        {
            "name": "Vélo Vert SAS",
            "kind": "startup",
            "country": "fr",
            "siret": "732 829 320 00074",
            "website": "velovert.example",
        },
    )
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert organisation.siret == "73282932000074"
    assert organisation.country == "FR"
    membership = OrganisationMembership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (user, "owner")


def test_invalid_organisation_keeps_what_was_typed(client, user):
    client.force_login(user)
    response = client.post(
        reverse("applications:organisation_create"),
        {"name": "Vélo Vert SAS", "kind": "startup", "country": "FR", "siret": "73282932000075"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Vélo Vert SAS"' in html
    assert 'value="73282932000075"' in html
    assert "error-summary" in html and "clé de contrôle" in html
    assert not Organisation.objects.exists()


def test_creation_returns_to_the_call_when_asked(client, user):
    client.force_login(user)
    response = client.post(
        reverse("applications:organisation_create"),
        {"name": "Asso", "kind": "association", "country": "BE", "next": "/candidatures/"},
    )
    assert response["Location"] == "/candidatures/"
    evil = client.post(
        reverse("applications:organisation_create"),
        {"name": "Asso 2", "kind": "association", "country": "BE", "next": "https://evil.example/"},
    )
    assert "evil" not in evil["Location"]


def _invite(client, owner, organisation, email, django_capture_on_commit_callbacks):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("applications:organisation_detail", args=[organisation.pk]),
            {"email": email, "role": "member"},
        )


def test_owner_invites_by_mail_and_the_link_makes_a_member_once(
    client, django_capture_on_commit_callbacks
):
    owner_membership = MembershipFactory()
    organisation = owner_membership.organisation
    response = _invite(
        client,
        owner_membership.user,
        organisation,
        "Nina@Example.org",
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    message = OutboxMessage.objects.get(kind="organisation_invitation")
    assert message.recipient_email == "nina@example.org"
    assert len(mail.outbox) == 1
    assert organisation.name in mail.outbox[0].subject
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")

    # Someone with another account, already in another organisation.
    nina = MembershipFactory().user
    client.force_login(nina)
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    assert OrganisationMembership.objects.filter(
        organisation=organisation, user=nina, role="member"
    ).exists()
    assert nina.organisations.count() == 2
    # The link works once.
    other = UserFactory()
    client.force_login(other)
    client.post(path)
    assert not OrganisationMembership.objects.filter(user=other).exists()


def test_members_cannot_invite_and_strangers_see_nothing(client):
    membership = MembershipFactory(role="member")
    url = reverse("applications:organisation_detail", args=[membership.organisation.pk])
    client.force_login(membership.user)
    assert client.get(url).status_code == 200
    assert client.post(url, {"email": "x@example.org", "role": "member"}).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert not OrganisationInvitation.objects.exists()


def test_inviting_an_existing_member_is_refused_clearly(client, django_capture_on_commit_callbacks):
    owner = MembershipFactory()
    member = MembershipFactory(organisation=owner.organisation, role="member")
    response = _invite(
        client,
        owner.user,
        owner.organisation,
        member.user.email,
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 400
    assert "déjà membre" in response.content.decode()
