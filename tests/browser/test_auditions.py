"""A manager shortlists and opens slots, the company books one, the jury gives its
opinion; axe-core, 390 px and 1280 px checked on every page on the way."""

import datetime

from django.utils import timezone

from auditions.models import Booking, JuryOpinion
from tests.applications.staff_helpers import World
from tests.browser.conftest import log_in
from tests.factories import PASSWORD
from tests.typography import plain


def _switch_user(site, user):
    site.page.context.clear_cookies()
    log_in(site, user.email, PASSWORD)


def _click(site, role, name):
    site.page.get_by_role(role, name=name).first.click()
    site.page.wait_for_load_state("load")
    site.check()


def test_audition_journey(site, transactional_db):
    world = World(quota_min=1, quota_max=3, closed=True, screened=True)
    target = world.application(world.a, title="Vélos cargo partagés")
    candidate = target.application.organisation.members.first()
    site.page.on("dialog", lambda dialog: dialog.accept())

    # The manager shortlists from the application page, adds a slot, invites.
    _switch_user(site, world.manager_a)
    site.goto(f"/equipe/candidature/{target.pk}/")
    _click(site, "button", "Présélectionner pour une audition")
    _click(site, "link", "Planning des auditions")
    when = timezone.localtime() + datetime.timedelta(days=3)
    site.page.get_by_label("Début (heure de Paris)").fill(when.strftime("%Y-%m-%dT10:00"))
    site.page.get_by_label("Lieu").fill("Hôtel de ville, salle 3")
    _click(site, "button", "Ajouter le créneau")
    assert "Créneau ajouté." in plain(site.page.content())
    _click(site, "button", "Inviter les entreprises présélectionnées à réserver un créneau")
    assert "1 entreprise invitée" in plain(site.page.content())

    # The company books the slot from its application page.
    _switch_user(site, candidate)
    site.goto(f"/candidatures/{target.application_id}/")
    _click(site, "link", "Choisir un créneau")
    site.page.get_by_label("Hôtel de ville, salle 3", exact=False).check()
    _click(site, "button", "Réserver ce créneau")
    assert "Hôtel de ville, salle 3" in plain(site.page.content())
    assert Booking.objects.filter(entry__target=target).exists()

    # The jury sits and gives its opinion; the decision screen shows it.
    _switch_user(site, world.manager_a)
    site.goto(f"/equipe/auditions/{world.a.pk}/jury/")
    site.page.get_by_label("Date du jury").fill(when.strftime("%Y-%m-%d"))
    site.page.get_by_label(world.reviewer_a.display_name).check()
    _click(site, "button", "Enregistrer le jury")
    site.page.get_by_label("Avis du jury").select_option("favourable")
    site.page.get_by_label("Rang proposé").fill("1")
    _click(site, "button", "Enregistrer les avis du jury")
    assert JuryOpinion.objects.get(target=target).rank == 1
    site.goto(f"/equipe/candidature/{target.pk}/")
    assert "Avis du jury : favorable – rang proposé : 1" in plain(site.page.content())
