import datetime
import re

from django.utils import timezone

from calls.models import Call, Tag
from tests.browser.conftest import log_in
from tests.factories import (
    AdminFactory,
    ChallengeFactory,
    CommuneFactory,
    EditionFactory,
    ParticipationFactory,
)


def test_admin_creates_and_publishes_a_call_then_a_visitor_sees_it(site, transactional_db):
    admin = AdminFactory(email="admin@example.org")
    edition = EditionFactory(code="QMI7", name="Septième édition")
    tag = Tag.objects.create(name="Mobilité", slug="mobilite")
    for name in ("Argenteuil", "Sucy-en-Brie", "Meudon"):
        participation = ParticipationFactory(
            call=None, edition=edition, commune=CommuneFactory(name=name, slug=name.lower())
        )
        ChallengeFactory(participation=participation, title=f"Défi de {name}").tags.add(tag)
    paris_now = timezone.localtime()
    opens = (paris_now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    closes = (paris_now + datetime.timedelta(days=10)).strftime("%Y-%m-%dT23:59")

    log_in(site, admin.email, "a-Strong-passw0rd")
    page = site.page
    page.get_by_role("button", name="Mon espace").click()
    page.get_by_role("link", name="Back-office").click()
    site.check()
    for section in (
        "Éditions",
        "Participations et défis",
        "Communes et équipes",
        "Appels à projets",
    ):
        page.get_by_role("navigation", name="Back-office").get_by_role("link", name=section).click()
        site.check()
    page.get_by_role("link", name="Créer un appel à projets").click()
    site.check()
    page.get_by_label("Édition").select_option(label=str(edition))
    page.get_by_label("Titre").fill("Appel des deux communes")
    page.get_by_label("Identifiant d'URL").fill("appel-des-deux-communes")
    page.get_by_label("Ouverture").fill(opens)
    page.get_by_label("Date limite de dépôt").fill(closes)
    page.get_by_label(re.compile("Argenteuil – QMI7")).check()
    page.get_by_label(re.compile("Sucy-en-Brie – QMI7")).check()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state("load")
    site.check()
    call = Call.objects.get(slug="appel-des-deux-communes")
    assert call.published_at is None and call.criteria.count() == 5
    assert page.get_by_text("Brouillon", exact=False).count() >= 1

    page.get_by_role("button", name="Publier l'appel").click()
    page.wait_for_load_state("load")
    site.check()  # the confirmation page says what publishing does
    assert (
        page.get_by_text("e-mail sera envoyé à l'ouverture").count()
        + page.get_by_text("Aucune alerte d'ouverture").count()
        == 1
    )
    page.get_by_role("button", name="Publier l'appel").click()
    page.wait_for_load_state("load")
    site.check()
    assert page.get_by_text("est publié").count() == 1
    call.refresh_from_db()
    assert call.published_at is not None

    # A visitor.
    page.context.clear_cookies()
    site.goto("/")
    card = page.locator(".call-card", has_text="Appel des deux communes")
    assert re.search(r"Plus que (9|10)\sjours", card.locator(".countdown").inner_text())
    card.get_by_role("link", name="Appel des deux communes").click()
    site.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Appel des deux communes"
    assert "(heure de Paris)" in page.locator(".call-deadline").inner_text()
    assert re.search(r"Plus que \d+\sjours", page.locator(".call-deadline .countdown").inner_text())
    assert page.get_by_role("heading", name="Argenteuil").count() == 1
    assert page.get_by_role("heading", name="Sucy-en-Brie").count() == 1
    assert page.get_by_role("heading", name="Meudon").count() == 0
    assert page.get_by_text("Défi d'Argenteuil").count() == 1
    assert page.get_by_role("link", name="Déposer une candidature").count() == 1
    page.get_by_role("link", name="Argenteuil").first.click()
    site.check()
    site.goto("/appels/")
    site.goto(f"/editions/{edition.slug}/")
    site.goto("/communes/")


def test_admin_invites_a_reviewer_who_creates_an_account(site, transactional_db):
    from django.core import mail

    from communes.models import TeamMembership
    from tests.browser.conftest import link_in_mail

    admin = AdminFactory(email="admin@example.org")
    commune = CommuneFactory(name="Argenteuil", slug="argenteuil")
    log_in(site, admin.email, "a-Strong-passw0rd")
    page = site.goto(f"/gestion/communes/{commune.pk}/equipe/")
    page.get_by_label("Adresse e-mail").fill("rita@ville.example")
    page.get_by_label("responsable").check()
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_load_state("load")
    site.check()
    assert page.get_by_text("Invitation envoyée à rita@ville.example").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rita@ville.example"]

    page.context.clear_cookies()
    page.goto(link_in_mail(mail.outbox[0].body))
    site.check()
    page.get_by_label("Nom complet").fill("Rita Évaluatrice")
    page.locator("#id_password1").fill("un-Mot-de-passe-solide-42")
    page.locator("#id_password2").fill("autre-chose-42")
    page.get_by_role("button", name=re.compile("Créer mon compte")).click()
    page.wait_for_load_state("load")
    site.check()
    assert page.locator("#id_full_name").input_value() == "Rita Évaluatrice"
    page.locator("#id_password1").fill("un-Mot-de-passe-solide-42")
    page.locator("#id_password2").fill("un-Mot-de-passe-solide-42")
    page.get_by_role("button", name=re.compile("Créer mon compte")).click()
    page.wait_for_load_state("load")
    site.check()
    membership = TeamMembership.objects.get(user__email="rita@ville.example")
    assert membership.commune == commune and membership.role == "manager"
    assert page.locator("#account-menu").inner_text() == "Rita Évaluatrice"
