"""Two-factor authentication: who must set it up, where, and the admin's log-in."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from communes.models import TeamMembership
from tests.factories import (
    PASSWORD,
    AdminFactory,
    CommuneFactory,
    MembershipFactory,
    TeamMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _enforced(settings):
    settings.QMI_MFA_REQUIRED = True


def current_code(secret):
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def with_totp(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def test_admin_and_manager_cannot_reach_staff_pages_before_setting_up_2fa(client):
    admin = AdminFactory()
    manager = TeamMembershipFactory(role=TeamMembership.Role.MANAGER).user
    for user, path in [(admin, "/gestion/"), (admin, "/equipe/"), (manager, "/equipe/")]:
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 302, (user, path)
        assert response["Location"] == reverse("mfa_activate_totp")
    # The set-up page itself is reachable (after confirming the password).
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_staff_with_2fa_reach_staff_pages(client):
    admin = AdminFactory()
    with_totp(admin)
    client.force_login(admin)
    assert client.get("/gestion/").status_code == 200


def test_reviewers_and_candidates_are_not_forced(client):
    reviewer = TeamMembershipFactory(role=TeamMembership.Role.REVIEWER).user
    client.force_login(reviewer)
    assert client.get("/equipe/").status_code == 200
    candidate = MembershipFactory().user
    client.force_login(candidate)
    assert client.get("/candidatures/").status_code == 200


def test_enforcement_off_lets_staff_in(client, settings):
    settings.QMI_MFA_REQUIRED = False
    client.force_login(AdminFactory())
    assert client.get("/gestion/").status_code == 200


def test_log_in_of_a_manager_without_2fa_leads_to_its_set_up(client):
    manager = TeamMembershipFactory(role=TeamMembership.Role.MANAGER, commune=CommuneFactory()).user
    response = client.post(reverse("account_login"), {"login": manager.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_candidate_can_turn_on_totp_and_is_then_asked_for_it(client):
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    # Adding an authenticator asks for the password again.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with it.
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()

    client.logout()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_django_admin_log_in_goes_through_the_site_log_in_and_asks_the_second_factor(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    secret = with_totp(staff)

    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # The admin's own form no longer logs anybody in.
    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    response = client.post(
        reverse("account_login"),
        {"login": staff.email, "password": PASSWORD, "next": "/admin/"},
    )
    assert response["Location"] == reverse("mfa_authenticate")
    # Password alone: the admin is still out of reach.
    assert client.get("/admin/")["Location"].startswith("/admin/login/")

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_django_admin_requires_2fa_set_up(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response["Location"] == reverse("mfa_activate_totp")


def test_admin_log_in_is_rate_limited_like_the_site(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    with_totp(staff)
    for _ in range(6):
        client.post(reverse("account_login"), {"login": staff.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    # Too many failures: even the right password is refused for now.
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert client.session.get("account_authentication_methods") is None
