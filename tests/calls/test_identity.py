"""Identity (issue 14.10): the issuer in the header and footer, a favicon, Open Graph and
description tags on public pages, a page-specific <title> everywhere."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import (
    AdminFactory,
    CallFactory,
    EditionFactory,
    MembershipFactory,
    ParticipationFactory,
    TeamMembershipFactory,
)
from tests.typography import plain

pytestmark = pytest.mark.django_db
SITE_NAME = "QMI – Quartiers Métropolitains d'Innovation"


def _meta(page, attribute, name):
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)"', page)
    assert match, f"no {attribute}={name}"
    return html.unescape(match.group(1))


def _title(page):
    return html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1)).strip()


def test_favicon_svg_and_png_fallbacks_are_linked_and_shipped(client):
    page = client.get("/").content.decode()
    for name, kind in (
        ("qmi/img/favicon.svg", 'type="image/svg+xml"'),
        ("qmi/img/favicon-32.png", 'type="image/png"'),
    ):
        link = rf'<link rel="icon" href="/static/{name}"[^>]*{re.escape(kind)}'
        assert re.search(link, page), name
        assert finders.find(name), name
    assert finders.find("qmi/img/apple-touch-icon.png")
    svg = Path(finders.find("qmi/img/favicon.svg")).read_text()
    assert svg.startswith("<svg") and "#1d4f91" in svg
    assert Path(finders.find("qmi/img/favicon-32.png")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_shared_call_carries_its_title_description_image_and_url(client, settings):
    settings.SITE_URL = "https://qmi.example.org"
    call = CallFactory(title='Appel "quartiers" <vivants>', slug="appel-vivant")
    page = client.get(call.get_absolute_url()).content.decode()
    assert _meta(page, "property", "og:title") == 'Appel "quartiers" <vivants>'
    assert '<vivants>"' not in page  # escaped in the attribute
    description = _meta(page, "name", "description")
    assert description.startswith('Appel "quartiers" <vivants>')
    assert _meta(page, "property", "og:description") == description
    assert _meta(page, "property", "og:url") == "https://qmi.example.org/appels/appel-vivant/"
    image = _meta(page, "property", "og:image")
    assert image == "https://qmi.example.org/static/qmi/img/og-image.png"
    assert finders.find("qmi/img/og-image.png")
    assert _meta(page, "property", "og:site_name") == SITE_NAME
    assert _meta(page, "property", "og:locale") == "fr_FR"
    assert _meta(page, "name", "twitter:card") == "summary_large_image"
    english = client.get(call.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _meta(english, "property", "og:locale") == "en_GB"


def test_header_and_footer_name_the_issuer_and_link_help_privacy_accessibility_contact(client):
    page = plain(client.get("/").content.decode())
    header = page[page.index("<header") : page.index("</header>")]
    footer = page[page.index("<footer") : page.index("</footer>")]
    assert "Un service de la Métropole du Grand Paris" in header
    assert reverse("calls:help") in header
    assert "Un programme de la Métropole du Grand Paris" in footer
    for name in ("calls:help", "privacy", "accessibility", "contact", "legal_notice"):
        assert f'href="{reverse(name)}"' in footer, name


def test_no_reserved_state_mark_in_templates_or_styles():
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "static" / "qmi"]
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix in {".html", ".css", ".svg", ".js"}:
                text = path.read_text().lower()
                assert "marianne" not in text and "dsfr" not in text, path


def _pages():
    """(url, who): public pages, account pages, and pages of each role."""
    call = CallFactory()
    participation = ParticipationFactory(call=call)
    edition = EditionFactory()
    member = MembershipFactory().user
    staff = TeamMembershipFactory(commune=participation.commune, role="manager").user
    admin = AdminFactory()
    return [
        ("/", None),
        (reverse("calls:call_list"), None),
        (call.get_absolute_url(), None),
        (reverse("calls:edition_list"), None),
        (edition.get_absolute_url(), None),
        (reverse("calls:commune_list"), None),
        (participation.commune.get_absolute_url(), None),
        (reverse("calls:help"), None),
        (reverse("contact"), None),
        (reverse("privacy"), None),
        (reverse("accessibility"), None),
        (reverse("legal_notice"), None),
        (reverse("stats:index"), None),
        (reverse("stats:open_data"), None),
        (reverse("notifications:alerts"), None),
        (reverse("account_login"), None),
        (reverse("account_signup"), None),
        (reverse("account_reset_password"), None),
        ("/page-qui-n-existe-pas/", None),
        (reverse("applications:my_applications"), member),
        (reverse("accounts:profile"), member),
        (reverse("notifications:list"), member),
        (reverse("staff:home"), staff),
        (reverse("backoffice:home"), admin),
        (reverse("stats:dashboard"), admin),
    ]


def test_every_page_has_a_title_of_its_own(client):
    default = "Quartiers Métropolitains d'Innovation · " + SITE_NAME
    titles = {}
    for url, who in _pages():
        client.logout()
        if who:
            client.force_login(who)
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), url
        title = plain(_title(response.content.decode()))
        assert title.endswith(" · " + SITE_NAME), (url, title)
        if url != "/":
            assert title != plain(default), (url, title)
        titles[url] = title
    assert len(set(titles.values())) == len(titles), titles
