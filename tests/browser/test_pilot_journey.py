"""After the selection: an admin publishes, the laureate files its kick-off report, the
officer reads it, the survey is sent and answered through the personal links, and the
edition page shows the satisfaction rate; axe-core checks every page on the way."""

import datetime
import re

from django.core import mail
from django.utils import timezone

from applications.models import ApplicationTarget
from applications.services.selection import decide, finalise_selection
from experimentations.models import Pilot, Report, Survey, SurveyAnswer
from tests.applications.staff_helpers import World, refresh
from tests.browser.conftest import link_in_mail, log_in
from tests.factories import PASSWORD, AdminFactory, UserFactory
from tests.typography import plain


def _click(site, role, name):
    site.page.get_by_role(role, name=name).first.click()
    site.page.wait_for_load_state("load")
    site.check()


def _switch_user(site, user):
    site.page.context.clear_cookies()
    log_in(site, user.email, PASSWORD)


def test_pilot_journey(site, transactional_db):
    world = World(quota_min=1, quota_max=8, closed=True, screened=True)
    world.b.delete()
    targets = [world.application(world.a) for _ in range(5)]
    for target in targets:
        decide(
            user=world.manager_a,
            target=refresh(target),
            decision=ApplicationTarget.Decision.SELECTED,
            motivation="Retenu",
        )
    finalise_selection(user=world.manager_a, participation=world.a)
    laureate_target = targets[0]
    laureate = laureate_target.application.organisation.members.first()
    admin = AdminFactory(full_name="Claire")
    officer = UserFactory(is_staff=True, full_name="Olivier")
    site.page.on("dialog", lambda dialog: dialog.accept())

    # 1. The admin publishes the results: one pilot per laureate; assigns the officer.
    _switch_user(site, admin)
    site.goto(f"/equipe/appel/{world.call.pk}/resultats/")
    _click(site, "button", "Publier les résultats")
    _click(site, "button", re.compile("Publier et envoyer"))  # the confirmation page
    assert Pilot.objects.count() == 5
    pilot = Pilot.objects.get(application=laureate_target.application)
    site.goto(f"/experimentations/{pilot.pk}/")
    _click(site, "link", "Désigner le chargé de mission")
    site.page.get_by_label("Chargé de mission").select_option(str(officer.pk))
    _click(site, "button", "Enregistrer")
    pilot.refresh_from_db()
    assert pilot.officer == officer

    # 2. The laureate files its kick-off report from "Mes expérimentations".
    _switch_user(site, laureate)
    site.page.get_by_role("button", name="Mon espace").click()
    _click(site, "link", "Mes expérimentations")
    _click(site, "link", laureate_target.application.title)
    _click(site, "link", re.compile("rédiger.*Rapport de lancement"))
    site.page.get_by_label("Rapport").fill("Capteurs installés, 40 usagers la première semaine.")
    _click(site, "button", "Déposer le rapport")
    assert "Le rapport est déposé" in site.page.content()
    kickoff = Report.objects.get(pilot=pilot, kind="kickoff")
    assert kickoff.is_filed

    # 3. The officer is told and reads it from the board.
    assert any(officer.email in m.to for m in mail.outbox)
    _switch_user(site, officer)
    site.goto("/experimentations/suivi/")
    assert laureate_target.application.title in site.page.content()
    _click(site, "link", laureate_target.application.title)
    _click(site, "link", re.compile("lire.*Rapport de lancement"))
    assert "40 usagers la première semaine" in site.page.content()
    # The pilot ran and ended: the officer records it.
    site.goto(f"/experimentations/{pilot.pk}/modifier/")
    site.page.get_by_label("État").select_option("completed")
    today = timezone.localdate()
    site.page.get_by_label("Début effectif").fill(
        (today - datetime.timedelta(days=500)).isoformat()
    )
    site.page.get_by_label("Fin effective").fill((today - datetime.timedelta(days=5)).isoformat())
    _click(site, "button", "Enregistrer")
    assert "L’expérimentation est enregistrée" in site.page.content() or (
        "L'expérimentation est enregistrée" in site.page.content()
    )
    Pilot.objects.exclude(pk=pilot.pk).update(
        state="completed",
        actual_start=today - datetime.timedelta(days=500),
        actual_end=today - datetime.timedelta(days=5),
    )

    # 4. The admin creates and sends the survey; each company answers through its link.
    _switch_user(site, admin)
    site.goto("/experimentations/enquetes/nouvelle/")
    site.page.get_by_label("Édition").select_option(str(world.call.edition_id))
    site.page.get_by_label("Titre").fill("Votre avis sur le programme")
    now = timezone.localtime()
    site.page.get_by_label("Ouverture").fill(
        (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    site.page.get_by_label("Clôture").fill(
        (now + datetime.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    )
    _click(site, "button", "Créer l'enquête")
    _click(site, "button", "Envoyer l'enquête")
    survey = Survey.objects.get()
    assert survey.sent_at is not None
    site.page.context.clear_cookies()
    links = {link_in_mail(m.body) for m in mail.outbox if "enquete/" in m.body}
    assert len(links) == 5
    for score, link in zip([5, 5, 4, 4, 2], sorted(links), strict=True):
        site.page.goto(link)
        site.check()
        site.page.locator(f"#id_satisfaction_{score - 1}").check()
        site.page.locator("#id_recommendation_9").check()
        site.page.locator("#id_continued_0").check()
        site.page.get_by_label("Ce qui a bien fonctionné").fill("L'accompagnement <b>sur place</b>")
        _click(site, "button", "Envoyer ma réponse")
        assert "Votre réponse est enregistrée" in site.page.content()
    assert SurveyAnswer.objects.count() == 5

    # 5. Once the survey is closed, the edition page shows the rate from the answers.
    Survey.objects.filter(pk=survey.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    site.goto(world.call.edition.get_absolute_url())
    text = site.page.locator(".edition-figures").inner_text()
    assert "5 expérimentations déployées" in text
    assert "80 % des expérimentateurs satisfaits — 4 réponses sur 5" in plain(text)
    _switch_user(site, admin)
    site.goto(f"/experimentations/enquetes/{survey.pk}/")
    assert "80" in site.page.content()
