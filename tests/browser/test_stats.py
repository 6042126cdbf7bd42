"""Dashboards, public statistics, open data and API pages: axe-clean, readable at 390 px."""

import pytest

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, AdminFactory
from tests.stats.conftest import paris, programme  # noqa: F401


@pytest.fixture
def data(transactional_db, programme):  # noqa: F811
    programme.call.results_published_at = paris(2025, 3, 31, 12, 0)
    programme.call.save()
    return programme


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_programme_and_commune_dashboards(site, data):
    AdminFactory(email="stats-admin@example.org")
    log_in(site, "stats-admin@example.org", PASSWORD)
    page = site.goto("/tableau-de-bord/?edition=qmi2")
    assert page.get_by_role("heading", name="Entonnoir des candidatures").count() == 1
    # Each chart is an image with a name, and its data is a table.
    assert page.locator("svg[role=img]").count() == 6
    assert page.get_by_role("table").count() == 8
    page.get_by_label("Commune", exact=True).select_option("alpha")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_load_state("load")
    site.check()
    assert "commune=alpha" in page.url
    site.goto("/tableau-de-bord/communes/alpha/")
    page.set_viewport_size({"width": 390, "height": 800})
    site.goto("/tableau-de-bord/?edition=qmi2")
    assert no_sideways_scroll(page)

    page.context.clear_cookies()
    data.manager_alpha.set_password(PASSWORD)
    data.manager_alpha.save()
    log_in(site, data.manager_alpha.email, PASSWORD)
    site.goto("/tableau-de-bord/")
    page.get_by_role("link", name="Alpha").click()
    page.wait_for_load_state("load")
    site.check()
    assert page.get_by_role("heading", name="Tableau de bord : Alpha").count() == 1


def test_public_statistics_open_data_and_api_pages(site, data):
    for path in ("/statistiques/", "/statistiques/qmi2/", "/donnees-ouvertes/", "/api/"):
        site.goto(path)
    page = site.page
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/statistiques/qmi2/", "/donnees-ouvertes/", "/api/"):
        site.goto(path)
        assert no_sideways_scroll(page), path
