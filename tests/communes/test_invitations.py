import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communes import services
from communes.models import TeamInvitation, TeamMembership
from notifications.models import OutboxMessage
from notifications.services import render_message
from tests.factories import CommuneFactory, TeamMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commune(db):
    return CommuneFactory(name="Argenteuil")


def invite(client, admin_user, commune, email="nouvelle@ville.fr", role="reviewer"):
    client.force_login(admin_user)
    return client.post(reverse("communes:team", args=[commune.pk]), {"email": email, "role": role})


def test_admin_invites_by_email_through_the_outbox(
    client, admin_user, commune, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://qmi.example"
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, admin_user, commune, email="Nouvelle@Ville.fr", role="manager")
    assert response.status_code == 302
    invitation = TeamInvitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "nouvelle@ville.fr",
        "manager",
        admin_user,
    )
    message = OutboxMessage.objects.get(kind="team_invitation")
    assert message.recipient_email == "nouvelle@ville.fr" and message.recipient is None
    subject, body, _html = render_message(message)
    assert "Argenteuil" in subject
    link = f"https://qmi.example{invitation.get_absolute_url()}"
    assert link in body
    assert "responsable" in body
    # Delivered after commit.
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body


def test_invitation_form_errors(client, admin_user, commune):
    member = TeamMembershipFactory(commune=commune)
    response = invite(client, admin_user, commune, email=member.user.email)
    assert response.status_code == 400
    assert "fait déjà partie" in response.content.decode()
    response = invite(client, admin_user, commune, email="pas-une-adresse")
    assert response.status_code == 400
    assert 'value="pas-une-adresse"' in response.content.decode()
    assert not TeamInvitation.objects.exists()


def test_only_admins_invite(client, commune):
    client.force_login(TeamMembershipFactory(commune=commune, role="manager").user)
    response = client.post(
        reverse("communes:team", args=[commune.pk]),
        {"email": "x@y.fr", "role": "manager"},
    )
    assert response.status_code == 403
    assert not TeamInvitation.objects.exists()


def test_logged_in_with_the_invited_address_accepts(client, commune, admin_user):
    person = UserFactory(email="nouvelle@ville.fr")
    invitation = services.invite_team_member(
        commune=commune, email="nouvelle@ville.fr", role="manager", invited_by=admin_user
    )
    client.force_login(person)
    url = invitation.get_absolute_url()
    assert "invitation</button>" in client.get(url).content.decode()
    assert not TeamMembership.objects.exists()  # a GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    membership = TeamMembership.objects.get()
    assert (membership.user, membership.commune, membership.role) == (person, commune, "manager")
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.accepted_at
    # Single use.
    assert client.get(url).status_code == 404


def test_logged_in_with_another_address_is_refused(client, commune, admin_user):
    invitation = services.invite_team_member(
        commune=commune, email="nouvelle@ville.fr", role="reviewer", invited_by=admin_user
    )
    client.force_login(UserFactory(email="autre@ville.fr"))
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 403
    assert "nouvelle@ville.fr" in response.content.decode()
    assert not TeamMembership.objects.exists()


def test_new_person_creates_the_account_on_acceptance(client, commune, admin_user):
    invitation = services.invite_team_member(
        commune=commune, email="nouvelle@ville.fr", role="reviewer", invited_by=admin_user
    )
    url = invitation.get_absolute_url()
    assert not User.objects.filter(email="nouvelle@ville.fr").exists()
    page = client.get(url)
    assert page.status_code == 200 and "Créer mon compte" in page.content.decode()
    response = client.post(
        url, {"full_name": "Nora Nouvelle", "password1": "court", "password2": "court"}
    )
    assert response.status_code == 400
    assert 'value="Nora Nouvelle"' in response.content.decode()
    assert not User.objects.filter(email="nouvelle@ville.fr").exists()
    password = "Un-mot-de-passe-solide-42"
    response = client.post(
        url, {"full_name": "Nora Nouvelle", "password1": password, "password2": password}
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@ville.fr")
    assert user.full_name == "Nora Nouvelle" and user.check_password(password)
    assert user.emailaddress_set.get().verified
    assert TeamMembership.objects.get(user=user).commune == commune
    assert int(client.session["_auth_user_id"]) == user.pk


def test_existing_account_is_sent_to_log_in_then_completes(client, commune, admin_user):
    person = UserFactory(email="nouvelle@ville.fr")
    invitation = services.invite_team_member(
        commune=commune, email="nouvelle@ville.fr", role="reviewer", invited_by=admin_user
    )
    url = invitation.get_absolute_url()
    page = client.get(url).content.decode()
    assert f"{reverse('account_login')}?next={url}" in page
    assert (
        client.post(url, {"full_name": "X", "password1": "a", "password2": "a"}).status_code == 200
    )
    assert not TeamMembership.objects.exists()
    client.force_login(person)
    client.post(url)
    assert TeamMembership.objects.get().user == person


def test_expired_or_cancelled_invitation_is_404(client, commune, admin_user):
    invitation = services.invite_team_member(
        commune=commune, email="nouvelle@ville.fr", role="reviewer", invited_by=admin_user
    )
    TeamInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(invitation.get_absolute_url()).status_code == 404
    other = services.invite_team_member(
        commune=commune, email="autre@ville.fr", role="reviewer", invited_by=admin_user
    )
    client.force_login(admin_user)
    client.post(reverse("communes:invitation_cancel", args=[commune.pk, other.pk]))
    client.logout()
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(reverse("communes:invitation_accept", args=["forged"])).status_code == 404


def test_accepting_never_lowers_a_role(commune, admin_user):
    manager = TeamMembershipFactory(commune=commune, role="manager").user
    invitation = TeamInvitation.objects.create(
        commune=commune,
        email=manager.email,
        role="reviewer",
        token="t",
        invited_by=admin_user,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    membership = services.accept_invitation(token=invitation.token, user=manager)
    assert membership.role == "manager"


def test_admin_removes_a_member(client, commune, admin_user):
    membership = TeamMembershipFactory(commune=commune)
    client.force_login(admin_user)
    response = client.post(reverse("communes:member_remove", args=[commune.pk, membership.pk]))
    assert response.status_code == 302
    assert not TeamMembership.objects.exists()
    # Another commune's member id is a 404 here.
    other = TeamMembershipFactory()
    response = client.post(reverse("communes:member_remove", args=[commune.pk, other.pk]))
    assert response.status_code == 404
