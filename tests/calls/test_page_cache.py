"""Public pages come from the cache for visitors, per language, and change as soon
as their content does; logged-in people always get a fresh page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CallFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queries(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return response, len(captured.captured_queries)


@pytest.mark.parametrize("page", ["home", "calls", "call"])
def test_a_visitor_gets_the_cached_page_until_its_content_changes(client, page):
    call = CallFactory(title="Appel des quartiers")
    url = {"home": "/", "calls": reverse("calls:call_list"), "call": call.get_absolute_url()}[page]
    _queries(client, url)
    again, queries = _queries(client, url)
    assert queries == 0 and "Appel des quartiers" in again.content.decode()
    call.title = "Appel renommé"
    call.save()
    fresh, queries = _queries(client, url)
    assert queries > 0 and "Appel renommé" in fresh.content.decode()


def test_per_language_and_never_for_a_logged_in_person(client):
    CallFactory(title="Appel des quartiers")
    french, _ = _queries(client, "/", HTTP_ACCEPT_LANGUAGE="fr")
    english, _ = _queries(client, "/", HTTP_ACCEPT_LANGUAGE="en")
    assert french.content != english.content
    client.force_login(UserFactory(full_name="Camille Personne"))
    _response, queries = _queries(client, "/")
    assert queries > 0
    _response, queries = _queries(client, "/")
    assert queries > 0


def test_the_forms_of_a_cached_page_carry_the_visitors_token(client):
    import re

    from django.test import Client

    Client().get("/")  # another visitor fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/").content.decode()
    assert "qmi-csrf-placeholder" not in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    response = visitor.post(
        reverse("accounts:set_language"), {"language": "en", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302
