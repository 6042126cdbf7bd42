"""Input no column can hold is a form error next to its field, never a 500."""

import pytest
from django.urls import reverse

from accounts.models import User
from applications.models import OrganisationInvitation
from communes.models import TeamInvitation
from notifications.models import AlertSubscription
from tests.factories import CommuneFactory, MembershipFactory

pytestmark = pytest.mark.django_db

# 312 characters: the forms used to accept up to 320, the columns hold 254.
LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com"
assert len(LONG_EMAIL) == 312


def _refused_with_a_message(response, field="email"):
    assert response.status_code == 400
    page = response.content.decode()
    assert "error-summary" in page  # the summary at the top, linked to the field
    assert f'href="#id_{field}"' in page
    assert "254" in page  # the limit is said


def test_alert_subscription(client):
    commune = CommuneFactory()
    response = client.post(
        "/notifications/alertes/", {"email": LONG_EMAIL, "communes": [commune.pk]}
    )
    _refused_with_a_message(response)
    assert not AlertSubscription.objects.exists()


def test_team_invitation(client, admin_user):
    commune = CommuneFactory()
    client.force_login(admin_user)
    response = client.post(
        reverse("communes:team", args=[commune.pk]),
        {"email": LONG_EMAIL, "role": "reviewer"},
    )
    _refused_with_a_message(response)
    assert not TeamInvitation.objects.exists()


def test_organisation_invitation(client):
    owner = MembershipFactory()
    client.force_login(owner.user)
    response = client.post(
        reverse("applications:organisation_detail", args=[owner.organisation.pk]),
        {"email": LONG_EMAIL, "role": "member"},
    )
    _refused_with_a_message(response)
    assert not OrganisationInvitation.objects.exists()


def test_organisation_contact_email(client, user):
    client.force_login(user)
    response = client.post(
        reverse("applications:organisation_create"),
        {"name": "Asso", "kind": "association", "country": "BE", "contact_email": LONG_EMAIL},
    )
    _refused_with_a_message(response, "contact_email")


def test_sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Long Address",
            "email": LONG_EMAIL,
            "password1": "qmi-demo-2025-x",
            "password2": "qmi-demo-2025-x",
        },
    )
    assert response.status_code in (200, 400)
    assert not User.objects.filter(full_name="Long Address").exists()
