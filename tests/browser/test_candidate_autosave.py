"""Autosave while typing: the draft is saved without pressing any button."""

from tests.applications.candidate_factories import member_of
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ApplicationFactory


def test_typing_is_saved_after_a_pause(site, transactional_db):
    application = ApplicationFactory(title="")
    member = member_of(application.organisation)
    log_in(site, member.email, PASSWORD)
    page = site.goto(f"/candidatures/{application.pk}/etapes/projet/")
    page.locator("#id_title").press_sequentially("Titre tapé")
    status = page.locator(".autosave-status")
    status.filter(has_text="enregistré automatiquement").wait_for(timeout=10000)
    application.refresh_from_db()
    assert application.title == "Titre tapé"
    # The page carries the new version: the next click saves without a conflict.
    page.locator("#id_title").fill("Titre final")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_load_state("load")
    site.check()
    application.refresh_from_db()
    assert application.title == "Titre final"
    assert "pendant que vous la modifiiez" not in page.content()
