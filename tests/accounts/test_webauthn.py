"""Security keys (allauth.mfa's WebAuthn, enabled in MFA_SUPPORTED_TYPES): the pages,
the registration's begin step, and a whole registration by a software authenticator
built in the test (an EC key, "none" attestation)."""

import json
import os

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal.auth import STATE_SESSION_KEY
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse
from fido2.cose import ES256
from fido2.utils import sha256, websafe_decode, websafe_encode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

from accounts.security import must_set_up_second_factor
from communes.models import TeamMembership
from tests.factories import PASSWORD, TeamMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _enforced(settings):
    settings.QMI_MFA_REQUIRED = True


def log_in(client, user):
    """A real log-in, then the password again (adding a key asks for a recent one)."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def begin(client):
    response = client.get(reverse("mfa_add_webauthn"))
    assert response.status_code == 200
    return response


def test_the_pages_and_the_begin_step(client):
    user = UserFactory()
    log_in(client, user)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("mfa_list_webauthn")).status_code == 200
    response = begin(client)
    options = response.context["js_data"]["creation_options"]["publicKey"]
    assert options["rp"]["id"] == "testserver"
    assert options["user"]["name"] == user.email
    assert options["challenge"]
    assert {"type": "public-key", "alg": -7} in options["pubKeyCredParams"]  # ES256
    # The challenge is kept server-side for the completion step.
    state = client.session[STATE_SESSION_KEY]
    assert state["challenge"] == options["challenge"]
    # The options reach the page's script as JSON data (no inline script: CSP).
    body = response.content.decode()
    assert 'type="application/json"' in body
    assert "<script>" not in body


def _registration(challenge, origin="https://testserver", rp_id="testserver"):
    private = ec.generate_private_key(ec.SECP256R1())
    credential_id = os.urandom(32)
    attested = AttestedCredentialData.create(
        b"\0" * 16, credential_id, ES256.from_cryptography_key(private.public_key())
    )
    auth_data = AuthenticatorData.create(
        sha256(rp_id.encode()),
        AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.AT,
        0,
        attested,
    )
    client_data = CollectedClientData.create(
        type="webauthn.create", challenge=websafe_decode(challenge), origin=origin
    )
    attestation = AttestationObject.create("none", auth_data, {})
    return {
        "id": websafe_encode(credential_id),
        "rawId": websafe_encode(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": websafe_encode(bytes(client_data)),
            "attestationObject": websafe_encode(bytes(attestation)),
        },
        "clientExtensionResults": {},
    }


def test_a_manager_registers_a_security_key_and_may_then_reach_staff_pages(client):
    manager = TeamMembershipFactory(role=TeamMembership.Role.MANAGER).user
    log_in(client, manager)
    assert must_set_up_second_factor(manager)
    challenge = begin(client).context["js_data"]["creation_options"]["publicKey"]["challenge"]
    response = client.post(
        reverse("mfa_add_webauthn"),
        {"name": "Clé USB", "credential": json.dumps(_registration(challenge))},
    )
    assert response.status_code == 302
    key = Authenticator.objects.get(user=manager, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Clé USB"
    assert not must_set_up_second_factor(manager)
    assert client.get("/equipe/").status_code == 200


def test_a_registration_for_another_challenge_or_origin_is_refused(client):
    user = UserFactory()
    log_in(client, user)
    begin(client)
    stale = websafe_encode(os.urandom(32))
    response = client.post(
        reverse("mfa_add_webauthn"), {"credential": json.dumps(_registration(stale))}
    )
    assert response.status_code == 200  # the form again, with its error
    challenge = begin(client).context["js_data"]["creation_options"]["publicKey"]["challenge"]
    evil = _registration(challenge, origin="https://evil.example")
    response = client.post(reverse("mfa_add_webauthn"), {"credential": json.dumps(evil)})
    assert response.status_code == 200
    response = client.post(reverse("mfa_add_webauthn"), {"credential": '{"id": 1}'})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()
