"""Account mails (verification, password reset, unknown account, account exists)
go through the outbox: branded, in the recipient's language, links on SITE_URL."""

import datetime
import re
from unittest import mock

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import User
from notifications.models import OutboxMessage
from notifications.services import outbox
from notifications.tasks import deliver_message
from tests.factories import UserFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db

SITE = "https://qmi.example.org"
HOSTILE_HOST = {"HTTP_HOST": "localhost:1337"}
PASSWORD = "un-Mot-de-passe-solide-42"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    outbox._broker_down_until = 0.0
    yield
    outbox._broker_down_until = 0.0


def sign_up(client, email="lea@example.org", name="Léa O'Neil & <Cie>", **extra):
    return client.post(
        reverse("account_signup"),
        {"full_name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
        **extra,
    )


def only_mail():
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    return message, html


def links(text):
    return re.findall(r"https?://[^\s<>\"]+", text)


def test_sign_up_queues_the_verification_in_the_outbox_with_links_on_site_url(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, **HOSTILE_HOST)
    assert response.status_code == 302
    row = OutboxMessage.objects.get(kind="account_email_confirmation")
    assert row.recipient == User.objects.get(email="lea@example.org")
    assert row.state == OutboxMessage.State.SENT
    message, html = only_mail()
    assert message.to == ["lea@example.org"]
    assert message.subject == "[QMI] Confirmez votre adresse e-mail"
    assert "Bonjour Léa O'Neil & <Cie>," in plain(message.body)
    assert "Léa O’Neil &amp; &lt;Cie&gt;" in html  # escaped once, then typeset
    assert "Quartiers Métropolitains" in html and '<html lang="fr">' in html
    assert "1337" not in message.body + html
    confirm = [link for link in links(message.body) if "/confirm" in link]
    assert confirm and all(link.startswith(SITE + "/") for link in links(message.body))
    assert message.extra_headers["Message-ID"].endswith("@qmi.example.org>")
    # The link verifies the address.
    path = confirm[0][len(SITE) :]
    client.post(path)
    assert EmailAddress.objects.get(email="lea@example.org").verified


def test_password_reset_link_is_on_site_url_and_in_the_users_language(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(preferred_language="en", full_name="Zoë")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email}, **HOSTILE_HOST)
    message, html = only_mail()
    assert OutboxMessage.objects.get(kind="account_password_reset").recipient == user
    assert message.subject == "[QMI] Choose a new password"
    assert '<html lang="en">' in html
    found = links(message.body)
    assert found and all(link.startswith(SITE + "/") for link in found)
    assert "localhost" not in message.body + html
    # The link works.
    response = client.get(found[0][len(SITE) :], follow=True)
    assert response.status_code == 200


def test_unknown_account_mail_is_queued_in_the_visitors_language(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"),
            {"email": "nobody@example.org"},
            HTTP_ACCEPT_LANGUAGE="en",
            **HOSTILE_HOST,
        )
    row = OutboxMessage.objects.get(kind="account_unknown")
    assert row.recipient is None and row.recipient_email == "nobody@example.org"
    message, html = only_mail()
    assert message.subject == "[QMI] No account at this address"
    assert all(link.startswith(SITE + "/") for link in links(message.body))


def test_sign_up_with_a_known_address_mails_the_owner_without_telling_the_visitor(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="taken@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, email="taken@example.org", **HOSTILE_HOST)
    assert response.status_code == 302
    assert User.objects.filter(email="taken@example.org").count() == 1
    assert OutboxMessage.objects.get(kind="account_already_exists").recipient == owner
    message, _html = only_mail()
    assert all(link.startswith(SITE + "/") for link in links(message.body))


def test_broker_down_at_sign_up_the_account_exists_and_the_sweep_sends_the_mail_once(
    client, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(deliver_message, "delay", side_effect=OperationalError("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = sign_up(client)
    assert response.status_code == 302
    assert User.objects.filter(email="lea@example.org").exists()
    row = OutboxMessage.objects.get(kind="account_email_confirmation")
    assert row.state == OutboxMessage.State.PENDING
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        outbox.sweep()
        outbox.sweep()
    row.refresh_from_db()
    assert row.state == OutboxMessage.State.SENT
    assert len(mail.outbox) == 1


def test_two_reset_requests_send_two_mails(client, django_capture_on_commit_callbacks):
    user = UserFactory()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 2


def test_the_admin_outbox_never_shows_a_personal_account_link(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import AdminFactory

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    row = OutboxMessage.objects.get(kind="account_password_reset")
    link = links(mail.outbox[0].body)[0]
    client.force_login(AdminFactory())
    page = client.get(reverse("notifications:outbox_message", args=[row.pk])).content.decode()
    assert user.email in page
    assert link not in page and "/password/reset/key/" not in page


def test_sign_up_does_the_same_work_for_a_known_and_a_new_address(client):
    """Timing must not tell which addresses have an account: both paths hash once."""
    from django.contrib.auth.hashers import get_hasher

    UserFactory(email="taken@example.org")
    hasher = type(get_hasher())
    calls = []
    original = hasher.encode

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    work = {}
    for address in ("taken@example.org", "new@example.org"):
        calls.clear()
        with mock.patch.object(hasher, "encode", counting):
            assert sign_up(client, email=address).status_code == 302
        work[address] = len(calls)
        client.logout()
    assert work["taken@example.org"] == work["new@example.org"] >= 1
