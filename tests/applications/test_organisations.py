import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.models import Organisation, OrganisationInvitation, OrganisationMembership
from applications.services import organisations as organisation_services
from applications.services.organisations import accept_invitation
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
            "country": "FR",
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

    # The invited address, already member of another organisation.
    nina = MembershipFactory(user=UserFactory(email="nina@example.org")).user
    client.force_login(nina)
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    assert OrganisationMembership.objects.filter(
        organisation=organisation, user=nina, role="member"
    ).exists()
    assert nina.organisations.count() == 2
    # The link works once.
    again = client.post(path, follow=True)
    assert "plus valable" in again.content.decode()
    assert OrganisationMembership.objects.filter(organisation=organisation).count() == 2
    other = UserFactory()
    client.force_login(other)
    client.post(path)
    assert not OrganisationMembership.objects.filter(user=other).exists()


@pytest.fixture
def invitation():
    owner = MembershipFactory()
    return OrganisationInvitation.objects.create(
        organisation=owner.organisation,
        email="nina@example.org",
        token="tok-nina",
        invited_by=owner.user,
        expires_at=timezone.now() + timedelta(days=14),
    )


def test_an_invitation_is_refused_to_another_account(client, invitation):
    """Whoever holds the link must be logged in with the invited address."""
    intruder = UserFactory(email="mallory@example.org")
    client.force_login(intruder)
    url = reverse("applications:invitation_accept", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 403
    assert "nina@example.org" in page.content.decode()
    assert "Accepter" not in page.content.decode()
    response = client.post(url)
    assert response.status_code == 403
    assert "vous utilisez le compte mallory@example.org" in response.content.decode()
    assert not OrganisationMembership.objects.filter(user=intruder).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    # The service refuses too, whatever calls it.
    with pytest.raises(ValidationError):
        accept_invitation(token=invitation.token, user=intruder)
    assert not OrganisationMembership.objects.filter(user=intruder).exists()


def test_the_invited_address_matches_whatever_its_case(client, invitation):
    nina = UserFactory(email="Nina@Example.org")
    client.force_login(nina)
    response = client.post(reverse("applications:invitation_accept", args=[invitation.token]))
    assert response.status_code == 302
    assert OrganisationMembership.objects.filter(
        organisation=invitation.organisation, user=nina
    ).exists()


def test_an_invitation_used_between_page_load_and_click_gives_a_message(
    client, invitation, monkeypatch
):
    nina = UserFactory(email="nina@example.org")
    client.force_login(nina)
    real_pending = organisation_services.pending_invitation

    def pending_then_used_elsewhere(token):
        found = real_pending(token)
        # Another tab accepts (or the link expires) just after the page checked it.
        OrganisationInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
        return found

    monkeypatch.setattr(organisation_services, "pending_invitation", pending_then_used_elsewhere)
    response = client.post(
        reverse("applications:invitation_accept", args=[invitation.token]), follow=True
    )
    assert response.status_code == 200
    assert "plus valable (déjà utilisée ou expirée)" in response.content.decode()
    assert not OrganisationMembership.objects.filter(user=nina).exists()


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


def _organisation_data(organisation, **changes):
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "country": "FR",
        "siret": "73282932000074",
        "website": "",
        "address": "",
        "size": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
    }
    return {**data, **changes}


def test_owner_edits_the_organisation_and_bad_input_loses_nothing(client):
    owner = MembershipFactory(role="owner")
    organisation = owner.organisation
    client.force_login(owner.user)
    url = reverse("applications:organisation_edit", args=[organisation.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, _organisation_data(organisation, name="Nouveau nom", siret="1234"))
    assert response.status_code == 400
    assert "Nouveau nom" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name != "Nouveau nom"

    response = client.post(url, _organisation_data(organisation, name="Nouveau nom"))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.siret) == ("Nouveau nom", "73282932000074")


def test_only_owners_edit_and_strangers_see_nothing(client):
    member = MembershipFactory(role="member")
    url = reverse("applications:organisation_edit", args=[member.organisation.pk])
    client.force_login(member.user)
    assert client.get(url).status_code == 403
    assert client.post(url, _organisation_data(member.organisation, name="X")).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
