"""ProConnect log-in, against a local OpenID Connect provider started by the test."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communes.models import TeamInvitation, TeamMembership
from tests.factories import CommuneFactory, MembershipFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db


class Provider:
    """Discovery, token and userinfo endpoints; ``claims`` is what userinfo returns."""

    def __init__(self):
        self.claims = {}
        self.token_requests = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, data):
                body = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path.startswith("/.well-known/openid-configuration"):
                    base = provider.url
                    return self._json(
                        {
                            "issuer": base,
                            "authorization_endpoint": base + "/authorize",
                            "token_endpoint": base + "/token",
                            "userinfo_endpoint": base + "/userinfo",
                            "jwks_uri": base + "/jwks",
                            "token_endpoint_auth_methods_supported": ["client_secret_post"],
                        }
                    )
                if self.path == "/userinfo":
                    assert self.headers["Authorization"] == "Bearer access-token"
                    return self._json(provider.claims)
                self.send_error(404)

            def do_POST(self):
                length = int(self.headers["Content-Length"])
                form = parse_qs(self.rfile.read(length).decode())
                provider.token_requests.append(form)
                if self.path == "/token" and form.get("client_secret") == ["s3cret"]:
                    return self._json({"access_token": "access-token", "token_type": "Bearer"})
                self.send_error(401)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings):
    with Provider() as running:
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [
                    {
                        "provider_id": "proconnect",
                        "name": "ProConnect",
                        "client_id": "qmi-client",
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
        yield running


def proconnect_log_in(client, provider, email):
    provider.claims = {"sub": f"agent-{email}", "email": email, "given_name": "Agent"}
    response = client.post("/comptes/oidc/proconnect/login/")
    assert response.status_code == 302
    authorize = urlparse(response["Location"])
    assert authorize.netloc == urlparse(provider.url).netloc
    query = parse_qs(authorize.query)
    assert query["client_id"] == ["qmi-client"]
    assert "code_challenge" in query  # PKCE
    # The provider sends the browser back with a code.
    return client.get(
        "/comptes/oidc/proconnect/login/callback/",
        {"code": "the-code", "state": query["state"][0]},
    )


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_the_log_in_page_offers_proconnect_when_configured(client, provider):
    assert "ProConnect" in client.get(reverse("account_login")).content.decode()


def test_a_commune_agent_is_matched_by_e_mail(client, provider):
    agent = TeamMembershipFactory(role=TeamMembership.Role.MANAGER).user
    response = proconnect_log_in(client, provider, agent.email.upper())
    assert response.status_code == 302
    assert logged_in_as(client) == str(agent.pk)
    assert provider.token_requests[0]["client_id"] == ["qmi-client"]
    assert "code_verifier" in provider.token_requests[0]


def test_no_account_is_created_for_an_address_no_team_invited(client, provider):
    response = proconnect_log_in(client, provider, "stranger@mairie.example")
    assert not User.objects.filter(email="stranger@mairie.example").exists()
    assert logged_in_as(client) is None
    assert response.status_code in (200, 302)


def test_a_candidate_cannot_use_proconnect(client, provider):
    candidate = MembershipFactory().user
    response = proconnect_log_in(client, provider, candidate.email)
    assert response["Location"] == reverse("account_login")
    assert logged_in_as(client) is None


def test_an_invited_agent_gets_an_account(client, provider):
    commune = CommuneFactory()
    TeamInvitation.objects.create(
        commune=commune,
        email="nouvel.agent@mairie.example",
        role=TeamMembership.Role.REVIEWER,
        expires_at=timezone.now() + TeamInvitation.VALIDITY,
    )
    proconnect_log_in(client, provider, "nouvel.agent@mairie.example")
    user = User.objects.get(email="nouvel.agent@mairie.example")
    assert logged_in_as(client) == str(user.pk)


def test_without_client_id_there_is_no_proconnect(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    assert "ProConnect" not in client.get(reverse("account_login")).content.decode()
    assert client.post("/comptes/oidc/proconnect/login/").status_code == 404
