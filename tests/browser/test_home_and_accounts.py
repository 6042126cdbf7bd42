import re

from django.core import mail

from accounts.models import User
from tests.browser.conftest import link_in_mail, log_in
from tests.typography import plain


def test_home_page_names_the_programme_and_is_accessible(site, db):
    page = site.goto("/")
    assert "Quartiers Métropolitains d'Innovation" in plain(page.title())
    assert page.get_by_role("link", name="Aller au contenu").count() == 1
    # The language switch is reachable and works without JavaScript.
    page.get_by_role("button", name=re.compile("^EN")).click()
    page.wait_for_load_state("load")
    site.check()
    assert page.locator("html").get_attribute("lang") == "en"


def test_sign_up_verify_by_mail_and_log_in(site, transactional_db):
    page = site.goto("/comptes/signup/")
    page.get_by_label("Nom complet").fill("Nora Candidate")
    page.get_by_label(re.compile("Courriel|e-mail", re.I)).first.fill("nora@example.org")
    page.locator("#id_password1").fill("un-Mot-de-passe-solide-42")
    page.get_by_label(re.compile("confirmation", re.I)).fill("un-Mot-de-passe-solide-42")
    page.get_by_role("button", name=re.compile("Création de compte|Inscription", re.I)).click()
    page.wait_for_load_state("load")
    site.check()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nora@example.org"]
    user = User.objects.get(email="nora@example.org")
    assert user.full_name == "Nora Candidate"

    page.goto(link_in_mail(mail.outbox[0].body))
    site.check()
    page.get_by_role("button", name=re.compile("Confirmer", re.I)).click()
    page.wait_for_load_state("load")
    site.check()
    # Confirmation logs the person in: the account menu carries their name.
    assert page.locator("#account-menu").inner_text() == "Nora Candidate"

    page.context.clear_cookies()
    log_in(site, "nora@example.org", "un-Mot-de-passe-solide-42")
    assert page.locator("#account-menu").inner_text() == "Nora Candidate"


def test_public_pages_commune_help_and_results_read_well(site, db):
    """A commune page (challenges across editions, laureates, pilot state), the help
    page and a call whose results are published, in French then in English."""
    from tests.experimentations.conftest import PilotWorld
    from tests.factories import ChallengeFactory

    world = PilotWorld()
    ChallengeFactory(participation=world.a, title="Relier le quartier au RER")
    pages = [
        world.a.commune.get_absolute_url(),
        "/communes/",
        "/aide/",
        world.call.get_absolute_url(),
        world.call.edition.get_absolute_url(),
    ]
    for path in pages:
        site.goto(path)
        site.check()
        assert site.page.title().strip()
    site.goto(world.call.get_absolute_url())
    laureates = site.page.locator("#laureates-title")
    calendar = site.page.locator("#deadline-title")
    assert laureates.bounding_box()["y"] < calendar.bounding_box()["y"]
    site.page.get_by_role("button", name=re.compile("^EN")).click()
    site.page.wait_for_load_state("load")
    for path in pages[:3]:
        site.goto(path)
        site.check()
