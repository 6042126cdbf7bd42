"""ProConnect's userinfo is a signed JWT (``application/jwt``): verified with the
provider's JWKS, then read. A local provider started by the test signs with an RSA
key generated here (no network)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from accounts.models import User
from communes.models import TeamInvitation, TeamMembership
from tests.factories import CommuneFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db

CLIENT_ID = "qmi-client"


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class SigningProvider:
    """Discovery, JWKS, token and a userinfo that answers a JWT signed by ``key``."""

    def __init__(self):
        self.key = rsa_key()
        self.kid = "proconnect-1"
        self.claims = {}
        self.sign = None  # optional override: claims -> token
        self.userinfo_requests = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, body, content_type):
                body = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                base = provider.url
                if self.path.startswith("/.well-known/openid-configuration"):
                    return self._send(
                        json.dumps(
                            {
                                "issuer": base,
                                "authorization_endpoint": base + "/authorize",
                                "token_endpoint": base + "/token",
                                "userinfo_endpoint": base + "/userinfo",
                                "jwks_uri": base + "/jwks",
                                "userinfo_signing_alg_values_supported": ["RS256"],
                            }
                        ),
                        "application/json",
                    )
                if self.path == "/jwks":
                    public = json.loads(
                        jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key())
                    )
                    public.update({"kid": provider.kid, "alg": "RS256", "use": "sig"})
                    return self._send(json.dumps({"keys": [public]}), "application/json")
                if self.path == "/userinfo":
                    assert self.headers["Authorization"] == "Bearer access-token"
                    provider.userinfo_requests += 1
                    claims = {"iss": base, "aud": CLIENT_ID, **provider.claims}
                    token = (provider.sign or provider.default_sign)(claims)
                    return self._send(token, "application/jwt; charset=utf-8")
                self.send_error(404)

            def do_POST(self):
                length = int(self.headers["Content-Length"])
                parse_qs(self.rfile.read(length).decode())
                if self.path == "/token":
                    return self._send(
                        json.dumps({"access_token": "access-token", "token_type": "Bearer"}),
                        "application/json",
                    )
                self.send_error(404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def default_sign(self, claims):
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": self.kid})


@pytest.fixture(scope="module")
def running():
    provider = SigningProvider()
    provider.thread.start()
    yield provider
    provider.server.shutdown()
    provider.server.server_close()


@pytest.fixture
def provider(settings, running):
    running.sign = None
    running.claims = {}
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "proconnect",
                    "name": "ProConnect",
                    "client_id": CLIENT_ID,
                    "secret": "s3cret",
                    "settings": {
                        "server_url": running.url,
                        "token_auth_method": "client_secret_post",
                        "scope": ["openid", "email", "given_name", "usual_name"],
                        "verified_email": True,
                    },
                }
            ],
        }
    }
    return running


def log_in(client, provider, email, **claims):
    provider.claims = {
        "sub": f"agent-{email}",
        "email": email,
        "given_name": "Camille",
        "usual_name": "Martin",
        **claims,
    }
    response = client.post("/comptes/oidc/proconnect/login/")
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    return client.get(
        "/comptes/oidc/proconnect/login/callback/",
        {"code": "the-code", "state": query["state"][0]},
    )


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_a_signed_userinfo_is_verified_and_read(client, provider):
    agent = TeamMembershipFactory(role=TeamMembership.Role.MANAGER).user
    response = log_in(client, provider, agent.email)
    assert provider.userinfo_requests >= 1
    assert response.status_code == 302
    assert logged_in_as(client) == str(agent.pk)


def test_an_invited_agent_gets_an_account_with_the_claims(client, provider):
    TeamInvitation.objects.create(
        commune=CommuneFactory(),
        email="nouvel.agent@mairie.example",
        role=TeamMembership.Role.REVIEWER,
        expires_at=timezone.now() + TeamInvitation.VALIDITY,
    )
    log_in(client, provider, "nouvel.agent@mairie.example")
    user = User.objects.get(email="nouvel.agent@mairie.example")
    assert logged_in_as(client) == str(user.pk)
    assert (user.first_name, user.last_name) == ("Camille", "Martin")  # usual_name


def _refused(client, provider, agent, **claims):
    response = log_in(client, provider, agent.email, **claims)
    assert logged_in_as(client) is None
    assert response.status_code == 401  # allauth's "log-in failed" page, never a 500
    return response


def test_a_userinfo_signed_by_another_key_is_refused(client, provider):
    agent = TeamMembershipFactory(role=TeamMembership.Role.MANAGER).user
    forger = rsa_key()
    provider.sign = lambda claims: jwt.encode(
        claims, forger, algorithm="RS256", headers={"kid": provider.kid}
    )
    _refused(client, provider, agent)


def test_another_audience_or_issuer_is_refused(client, provider):
    agent = TeamMembershipFactory(role=TeamMembership.Role.MANAGER).user
    _refused(client, provider, agent, aud="another-client")
    _refused(client, provider, agent, iss="https://elsewhere.example")


def test_an_unknown_key_id_or_no_key_id_is_refused(client, provider):
    agent = TeamMembershipFactory(role=TeamMembership.Role.MANAGER).user
    provider.sign = lambda claims: jwt.encode(
        claims, provider.key, algorithm="RS256", headers={"kid": "other"}
    )
    _refused(client, provider, agent)
    provider.sign = lambda claims: jwt.encode(claims, provider.key, algorithm="RS256")
    _refused(client, provider, agent)


def test_a_shared_secret_or_unsigned_token_is_refused(client, provider):
    agent = TeamMembershipFactory(role=TeamMembership.Role.MANAGER).user
    provider.sign = lambda claims: jwt.encode(
        claims,
        "s3cret-shared-with-nobody-32-bytes!",
        algorithm="HS256",
        headers={"kid": provider.kid},
    )
    _refused(client, provider, agent)
    provider.sign = lambda claims: jwt.encode(
        claims, None, algorithm="none", headers={"kid": provider.kid}
    )
    _refused(client, provider, agent)


def test_an_expired_userinfo_is_refused(client, provider):
    agent = TeamMembershipFactory(role=TeamMembership.Role.MANAGER).user
    _refused(client, provider, agent, exp=int(timezone.now().timestamp()) - 60)
