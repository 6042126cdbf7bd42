"""Error pages: the site's layout, the visitor's language, a way back, nothing leaked."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db

WAY_BACK = 'href="/"'


def test_404_in_the_sites_layout_and_language(client):
    response = client.get("/nulle-part/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in page and WAY_BACK in page
    assert 'skip-link" href="#main"' in page  # the site's layout
    english = client.get("/nulle-part/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page not found" in english and '<html lang="en">' in english


def test_404_of_an_object_leaks_nothing(client, user):
    client.force_login(user)
    response = client.get(reverse("applications:detail", args=[999_999]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "No Application matches" not in page and "Traceback" not in page


def test_403_in_the_sites_layout(client, user):
    client.force_login(user)
    response = client.get(reverse("notifications:outbox"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Accès refusé" in page and WAY_BACK in page


def test_400_for_a_forged_host(client):
    response = client.get("/", HTTP_HOST="evil.example")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Demande invalide" in page and "evil.example" not in page


def test_csrf_failure_is_the_sites_page_with_a_way_back():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Formulaire expiré" in page and WAY_BACK in page
    assert "CSRF" not in page and "Referer" not in page


def test_500_needs_neither_the_database_nor_context_processors(django_assert_num_queries):
    request = RequestFactory().get("/")
    with translation.override("en"), django_assert_num_queries(0):
        response = defaults.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "Server error" in page and WAY_BACK in page and '<html lang="en">' in page
