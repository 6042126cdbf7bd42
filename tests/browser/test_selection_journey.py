"""A reviewer scores, a manager selects six and finalises, an admin publishes,
the candidate reads the decision; axe-core checks every page on the way."""

import re

from django.core import mail

from applications.models import ApplicationTarget
from notifications.models import OutboxMessage
from tests.applications.staff_helpers import World
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, AdminFactory
from tests.typography import plain


def _click(site, role, name):
    site.page.get_by_role(role, name=name).first.click()
    site.page.wait_for_load_state("load")
    site.check()


def _switch_user(site, user):
    site.page.context.clear_cookies()
    log_in(site, user.email, PASSWORD)


def test_selection_journey(site, transactional_db):
    world = World(hide_reviews=True, quota_min=6, quota_max=8, closed=True, screened=True)
    # Only commune A takes part, so its finalisation is enough to publish.
    world.b.delete()
    targets = [world.application(world.a) for _ in range(7)]
    candidate_target = targets[0]
    candidate = candidate_target.application.organisation.members.first()
    admin = AdminFactory()

    # 1. The reviewer scores the candidate's application and submits.
    _switch_user(site, world.reviewer_a)
    site.page.get_by_role("button", name="Mon espace").click()
    _click(site, "link", "Espace commune")
    _click(site, "link", re.compile(world.a.commune.name))
    assert site.page.locator("#dashboard-table tbody tr").count() == 7
    _click(site, "link", candidate_target.application.reference)
    for criterion in world.criteria:
        site.page.locator(f"#id_score_{criterion.pk}_4").check()
    site.page.get_by_label("Recommandation").select_option("select")
    site.page.get_by_label("Commentaire").fill("Un projet prometteur.")
    _click(site, "button", "Soumettre mon évaluation")
    assert "Votre évaluation est soumise." in site.page.content()
    assert candidate_target.reviews.get().state == "submitted"

    # 2. The manager selects six applications and finalises.
    _switch_user(site, world.manager_a)
    for target in targets[:6]:
        site.goto(f"/equipe/candidature/{target.pk}/")
        site.page.get_by_label("retenue", exact=True).check()
        site.page.get_by_label("Motivation").fill(f"Retenu : {target.application.title}.")
        _click(site, "button", "Enregistrer la décision")
        assert "Décision enregistrée." in site.page.content()
    site.goto(f"/equipe/tableau/{world.a.pk}/")
    # The French page writes the mean score with a decimal comma.
    assert "4,00 / 5" in plain(site.page.content())
    # The seventh has no decision: the manager says so explicitly.
    site.page.get_by_label(re.compile("Finaliser sans décision")).check()
    _click(site, "button", "Finaliser la sélection")
    assert "1 candidature sans décision sera non retenue" in plain(site.page.content())
    _click(site, "button", "Finaliser la sélection")  # the confirmation page
    assert "La sélection est finalisée." in site.page.content()
    assert ApplicationTarget.objects.filter(participation=world.a, decision="selected").count() == 6

    # 3. The admin publishes the results.
    _switch_user(site, admin)
    site.goto(f"/equipe/appel/{world.call.pk}/resultats/")
    _click(site, "button", "Publier les résultats")
    assert "7 e-mails seront envoyés." in plain(site.page.content())
    _click(site, "button", "Publier et envoyer 7 e-mails")
    assert "Résultats publiés le" in site.page.content()
    assert OutboxMessage.objects.filter(kind="decision").count() == 7
    assert any(candidate.email in m.to for m in mail.outbox)

    # 4. The candidate reads the decision and its motivation.
    _switch_user(site, candidate)
    site.goto("/notifications/")
    _click(site, "link", re.compile(candidate_target.application.reference))
    body = plain(site.page.content())
    assert "retenu" in body
    assert f"Retenu : {candidate_target.application.title}." in body
