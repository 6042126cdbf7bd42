"""Issue 12's round of a commune team, in the browser: screen (in bulk), assign,
review, read (previous / next, the pitch deck inline, the revision history),
ask the company a question and read its answer, shortlist, add a slot and invite,
the company books it, the jury's opinion, select and finalise; every page checked by
``site.check()`` (axe-core, French typography, control contrast, no sideways scroll at
390 and 1280 px)."""

import datetime
import re

from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import ApplicationTarget, Attachment, ReviewAssignment
from applications.services.drafting import record_revision
from auditions.models import Booking, JuryOpinion
from tests.applications.candidate_factories import PDF_BYTES
from tests.applications.staff_helpers import World
from tests.browser.conftest import log_in
from tests.factories import PASSWORD


def _click(site, role, name):
    site.page.get_by_role(role, name=name).first.click()
    site.page.wait_for_load_state("load")
    site.check()


def _switch_user(site, user):
    site.page.context.clear_cookies()
    log_in(site, user.email, PASSWORD)


def _with_deck_and_revisions(target):
    application = target.application
    owner = application.organisation.members.first()
    Attachment.objects.create(
        application=application,
        kind=Attachment.Kind.PITCH_DECK,
        file=ContentFile(PDF_BYTES, name="deck.pdf"),
        original_name="Pitch deck.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256="0" * 64,
    )
    record_revision(application, owner)
    application.summary = "Des vélos cargo partagés pour les commerçants du quartier."
    application.save()
    record_revision(application, owner)


def test_commune_rounds_journey(site, transactional_db):
    world = World(hide_reviews=True, quota_min=1, quota_max=2, closed=True)
    targets = [world.application(world.a, title=f"Projet {letter}") for letter in "ABC"]
    first = targets[0]
    _with_deck_and_revisions(first)
    # Bootstrap scrolls smoothly otherwise: a click after scrolling could miss its link.
    site.page.emulate_media(reduced_motion="reduce")

    # 1. The manager screens the three applications at once and assigns them.
    _switch_user(site, world.manager_a)
    site.goto(f"/equipe/tableau/{world.a.pk}/?sort=title")
    for target in targets:
        site.page.get_by_label(f"Sélectionner {target.application.reference}").check()
    site.page.locator("#bulk-eligible").check()
    _click(site, "button", "Enregistrer l'éligibilité des candidatures cochées")
    assert "3 éligibilités enregistrées." in site.page.content()
    assert (
        ApplicationTarget.objects.filter(participation=world.a, eligibility="eligible").count() == 3
    )
    assert "sort=title" in site.page.url  # back to the same order
    for target in targets:
        site.page.get_by_label(f"Sélectionner {target.application.reference}").check()
    site.page.get_by_label("Affecter les candidatures cochées à").select_option(
        str(world.reviewer_a.pk)
    )
    _click(site, "button", re.compile("^Affecter$"))
    assert ReviewAssignment.objects.filter(reviewer=world.reviewer_a).count() == 3

    # 2. The reviewer opens an assignment, reviews it, and moves to the next one.
    _switch_user(site, world.reviewer_a)
    site.goto(f"/equipe/tableau/{world.a.pk}/?sort=title")
    site.page.locator("#dashboard-table").get_by_role(
        "link", name=first.application.reference
    ).click()
    site.page.wait_for_load_state("load")
    site.check()
    assert re.search(r"1\s+sur\s+3", site.page.locator("#application-position").inner_text())
    for criterion in world.criteria:
        site.page.locator(f"#id_score_{criterion.pk}_4").check()
    site.page.get_by_label("Recommandation").select_option("select")
    site.page.get_by_label("Commentaire").fill("Solide, à retenir.")
    _click(site, "button", "Soumettre mon évaluation")
    assert "Votre évaluation est soumise." in site.page.content()
    assert "sort=title" in site.page.url
    link = site.page.get_by_role("link", name="Candidature suivante")
    # From the keyboard, as a reader going through the list would.
    link.focus()
    site.page.keyboard.press("Enter")
    site.page.wait_for_url(re.compile(rf"/candidature/{targets[1].pk}/\?sort=title$"))
    site.check()
    assert targets[1].application.reference in site.page.content()
    assert re.search(r"2\s+sur\s+3", site.page.locator("#application-position").inner_text())

    # 3. The manager reads the first application: pitch deck inline, what changed.
    _switch_user(site, world.manager_a)
    site.page.on("dialog", lambda dialog: dialog.accept())  # the confirmations
    site.goto(f"/equipe/candidature/{first.pk}/")
    frame = site.page.locator("#pitch-deck-title + div iframe")
    assert frame.count() == 1
    deck_url = frame.get_attribute("src")
    response = site.page.request.get(site.base_url + deck_url)
    assert response.headers["content-disposition"].startswith("inline")
    history = site.page.locator("#revision-history")
    assert "Version 2" in history.inner_text()
    assert history.locator("ins").first.inner_text().strip()

    # 4. A question to the company, answered on its application page.
    site.page.get_by_label("Votre question au candidat").fill(
        "Combien de vélos cargo prévoyez-vous pour le quartier ?"
    )
    _click(site, "button", "Poser la question")
    candidate = first.application.organisation.members.first()
    _switch_user(site, candidate)
    site.goto(f"/candidatures/{first.application.pk}/")
    assert "Combien de vélos cargo" in site.page.locator("#questions").inner_text()
    site.page.get_by_label("Votre réponse").fill("Six vélos, dont deux à assistance électrique.")
    _click(site, "button", "Envoyer la réponse")
    _switch_user(site, world.manager_a)
    site.goto(f"/equipe/candidature/{first.pk}/")
    assert "Six vélos" in site.page.locator("#questions").inner_text()

    # 5. Shortlist, a slot, the invitation; the company books the slot.
    _click(site, "button", "Présélectionner pour une audition")
    _click(site, "link", "Planning des auditions")
    starts = timezone.localtime(timezone.now() + datetime.timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    site.page.get_by_label("Début (heure de Paris)").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    site.page.get_by_label("Durée (minutes)").fill("30")
    site.page.get_by_label("Lieu").fill("Mairie, salle 2")
    _click(site, "button", "Ajouter le créneau")
    _click(site, "button", "Inviter les entreprises présélectionnées à réserver un créneau")
    assert "invitée, pas encore de réponse" in site.page.content()

    _switch_user(site, candidate)
    site.goto(f"/candidatures/{first.application.pk}/")
    _click(site, "link", "Choisir un créneau")
    site.page.get_by_label(re.compile("Mairie, salle 2")).check()
    _click(site, "button", "Réserver ce créneau")
    assert Booking.objects.filter(entry__target=first).exists()

    # 6. The jury sits and gives its opinion.
    _switch_user(site, world.manager_a)
    site.goto(f"/equipe/auditions/{world.a.pk}/")
    assert first.application.reference in site.page.locator("#schedule").inner_text()
    _click(site, "link", "Jury : membres, avis et classement")
    site.page.get_by_label("Date du jury").fill(starts.strftime("%Y-%m-%d"))
    site.page.get_by_role("checkbox", name=world.manager_a.display_name).check()
    site.page.get_by_role("checkbox", name=world.reviewer_a.display_name).check()
    _click(site, "button", "Enregistrer le jury")
    site.page.get_by_label("Avis du jury").select_option("favourable")
    site.page.get_by_label("Commentaire du jury").fill("Convaincant à l’oral.")
    site.page.get_by_label("Rang proposé").fill("1")
    _click(site, "button", "Enregistrer les avis du jury")
    assert JuryOpinion.objects.get(target=first).opinion == "favourable"
    site.goto(f"/equipe/candidature/{first.pk}/")
    assert "favorable" in site.page.locator("#jury-opinion").inner_text()

    # 7. The manager selects it and finalises without a decision on the others.
    site.page.get_by_label("retenue", exact=True).check()
    site.page.get_by_label("Motivation").fill("Retenu pour son ancrage local.")
    _click(site, "button", "Enregistrer la décision")
    assert "Décision enregistrée." in site.page.content()
    site.goto(f"/equipe/tableau/{world.a.pk}/")
    site.page.get_by_label(re.compile("Finaliser sans décision")).check()
    _click(site, "button", "Finaliser la sélection")
    # The confirmation page says what finalising does before it is done.
    world.a.refresh_from_db()
    assert not world.a.is_finalised
    _click(site, "button", "Finaliser la sélection")
    assert "La sélection est finalisée." in site.page.content()
    world.a.refresh_from_db()
    assert world.a.is_finalised
