import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import roles_of
from tests.factories import PASSWORD, TeamMembershipFactory, UserFactory


def test_user_is_keyed_by_lowercased_email(db):
    user = User.objects.create_user("Someone@Example.ORG", "x-Strong-pass-1")
    assert user.email == "someone@example.org"
    assert User.USERNAME_FIELD == "email"


def test_sign_up_sends_verification_mail_through_celery_and_link_verifies(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "full_name": "Léa Porteuse",
                "email": "lea@example.org",
                "password1": "un-Mot-de-passe-solide-42",
                "password2": "un-Mot-de-passe-solide-42",
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea@example.org"]
    link = re.search(r"https?://\S+", message.body).group(0)
    path = link.split("testserver", 1)[-1]
    assert client.get(path).status_code == 200
    client.post(path)
    assert EmailAddress.objects.get(email="lea@example.org").verified


def test_unverified_account_cannot_log_in(client, db):
    User.objects.create_user("new@example.org", PASSWORD)
    response = client.post(
        reverse("account_login"), {"login": "new@example.org", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


def test_log_in_with_verified_email(client, db):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_failed_log_ins_are_rate_limited(client, db):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    # Even the right password is refused while the limit holds.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives" in response.content.decode()


def test_language_switch_updates_the_profile(client, db):
    user = UserFactory(preferred_language="fr")
    client.force_login(user)
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert 'lang="en"' in client.get("/").content.decode()


def test_language_switch_refuses_foreign_redirects(client, db):
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_profile_saves_name_and_language(client, db):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Nouveau Nom", "preferred_language": "en"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("Nouveau Nom", "en")


def test_roles_are_computed_in_one_place(db):
    membership = TeamMembershipFactory(role="manager")
    roles = roles_of(membership.user)
    assert roles.is_commune_staff
    assert membership.commune_id in roles.manager_of
    assert not roles.is_metropolis_admin


@pytest.mark.parametrize("url", ["/comptes/login/", "/comptes/signup/", "/comptes/password/reset/"])
def test_account_pages_render(client, db, url):
    assert client.get(url).status_code == 200


def test_password_reset_sends_a_link_in_the_users_language(
    client, db, django_capture_on_commit_callbacks
):
    user = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "/comptes/password/reset/key/" in mail.outbox[0].body
    assert mail.outbox[0].subject == "[QMI] Choose a new password"
