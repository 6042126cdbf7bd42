"""Active sessions: listed, ended; a password or second-factor change ends the others."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def logged_in(user, agent, password=PASSWORD):
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    return client


def is_logged_in(client):
    return client.get(reverse("accounts:profile")).status_code == 200


def test_sessions_are_listed_and_the_others_can_be_ended():
    user = UserFactory()
    laptop = logged_in(user, "Laptop browser")
    phone = logged_in(user, "Phone browser")
    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert "Laptop browser" in page.content.decode()
    assert "Phone browser" in page.content.decode()
    assert UserSession.objects.filter(user=user).count() == 2

    laptop.post(reverse("usersessions_list"))
    assert is_logged_in(laptop)
    assert not is_logged_in(phone)
    assert UserSession.objects.filter(user=user).count() == 1


def test_a_password_change_ends_the_other_sessions():
    user = UserFactory()
    laptop = logged_in(user, "Laptop browser")
    phone = logged_in(user, "Phone browser")
    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "an-0ther-Passw0rd!",
            "password2": "an-0ther-Passw0rd!",
        },
    )
    assert response.status_code == 302
    assert is_logged_in(laptop)
    assert not is_logged_in(phone)


def test_turning_off_the_second_factor_ends_the_other_sessions():
    user = UserFactory()
    TOTP.activate(user, generate_totp_secret())
    laptop = Client(HTTP_USER_AGENT="Laptop browser")
    phone = Client(HTTP_USER_AGENT="Phone browser")
    for client in (laptop, phone):
        client.force_login(user)
        session = client.session
        UserSession.objects.create(
            user=user, ip="127.0.0.1", session_key=session.session_key, user_agent="x"
        )
    laptop.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = laptop.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert is_logged_in(laptop)
    assert not is_logged_in(phone)
