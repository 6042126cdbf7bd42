"""Issue 14.7 in a browser: "Ajouter un défi" adds a row without reloading the page, and
an identifier (slug) follows the name as it is typed."""

from calls.models import Challenge
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, AdminFactory, CommuneFactory, EditionFactory


def test_a_challenge_row_is_added_without_reloading(site, transactional_db):
    edition = EditionFactory(code="QMI7", name="Septième édition")
    commune = CommuneFactory(name="Meudon", slug="meudon", insee_code="92048")
    log_in(site, AdminFactory().email, PASSWORD)
    site.goto("/gestion/participations/nouvelle/")
    page = site.page
    rows = page.locator("#challenges-rows > fieldset")
    before = rows.count()
    page.evaluate("window.__same_page = true")
    page.get_by_role("button", name="Ajouter un défi").click()
    assert rows.count() == before + 1
    assert page.evaluate("window.__same_page") is True  # no reload
    assert page.locator("#id_challenges-TOTAL_FORMS").input_value() == str(before + 1)
    # The new row's first field has the focus.
    assert page.evaluate("document.activeElement.id") == f"id_challenges-{before}-title"
    page.evaluate("document.activeElement.blur()")  # the check measures borders at rest
    site.check()
    page.get_by_label("Édition").select_option(label=str(edition))
    page.get_by_label("Commune").select_option(label=commune.name)
    page.get_by_label("Quartier d'innovation ou secteurs").fill("Meudon-la-Forêt")
    page.locator(f"#id_challenges-{before}-title").fill("Défi ajouté sans recharger")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("load")
    site.check()
    assert Challenge.objects.filter(title="Défi ajouté sans recharger").count() == 1


def test_the_identifier_follows_the_name_until_it_is_typed(site, transactional_db):
    log_in(site, AdminFactory().email, PASSWORD)
    site.goto("/gestion/communes/nouvelle/")
    page = site.page
    page.locator("#id_name").fill("Saint-Maur-des-Fossés")
    assert page.locator("#id_slug").input_value() == "saint-maur-des-fosses"
    page.locator("#id_slug").fill("saint-maur")
    page.locator("#id_name").fill("Saint-Maur")
    assert page.locator("#id_slug").input_value() == "saint-maur"
