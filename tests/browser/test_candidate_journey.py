"""From sign-up to the receipt, axe-checked at every step."""

import io
import re
from zoneinfo import ZoneInfo

from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from applications.models import Application
from calls.models import DocumentType
from tests.applications.candidate_factories import PDF_BYTES
from tests.browser.conftest import link_in_mail
from tests.factories import CallFactory, ChallengeFactory, ParticipationFactory


def click(site, name):
    site.page.get_by_role("button", name=name, exact=True).click()
    site.page.wait_for_load_state("load")
    site.check()


def test_candidate_journey_from_sign_up_to_receipt(site, transactional_db):
    call = CallFactory(title="Appel de démonstration")
    participation = ParticipationFactory(call=call, commune__name="Argenteuil")
    ChallengeFactory(participation=participation, title="Logistique urbaine")
    other = ParticipationFactory(call=call, commune__name="Issy-les-Moulineaux")
    ChallengeFactory(participation=other, title="Mobilité douce")
    DocumentType.objects.create(call=call, name="Extrait Kbis")
    page = site.page

    # Sign up and verify the address with the link from the mail.
    site.goto("/comptes/signup/")
    page.get_by_label("Nom complet").fill("Nora Candidate")
    page.get_by_label(re.compile("Courriel|e-mail", re.I)).first.fill("nora@example.org")
    page.locator("#id_password1").fill("un-Mot-de-passe-solide-42")
    page.get_by_label(re.compile("confirmation", re.I)).fill("un-Mot-de-passe-solide-42")
    page.get_by_role("button", name=re.compile("Création de compte|Inscription", re.I)).click()
    page.wait_for_load_state("load")
    site.check()
    page.goto(link_in_mail(mail.outbox[-1].body))
    site.check()
    page.get_by_role("button", name=re.compile("Confirmer", re.I)).click()
    page.wait_for_load_state("load")
    site.check()

    # Applying without an organisation leads to creating one first.
    site.goto(f"/candidatures/appels/{call.slug}/candidater/")
    assert "/organisations/nouvelle/" in page.url
    page.locator("#id_name").fill("Vélo Vert SAS")
    page.locator("#id_kind").select_option("startup")
    page.locator("#id_country").select_option("FR")
    page.locator("#id_siret").fill("73282932000075")  # a typo in the checksum
    click(site, "Créer l'organisation")
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#id_name").input_value() == "Vélo Vert SAS"
    page.locator("#id_siret").fill("73282932000074")
    click(site, "Créer l'organisation")

    # Back on the call: start the application.
    assert f"/appels/{call.slug}/candidater/" in page.url
    click(site, "Commencer ma candidature")
    application = Application.objects.get()
    assert page.locator("[aria-current=step]").inner_text().startswith("1.")

    # The challenges offered are those of the communes ticked.
    assert not page.get_by_label("Logistique urbaine").is_visible()
    page.get_by_label(re.compile("Argenteuil – Quartier")).check()
    assert not page.get_by_label("Mobilité douce").is_visible()
    page.get_by_label(re.compile("Logistique urbaine")).check()
    click(site, "Enregistrer et continuer")

    page.locator("#id_title").fill("Livraisons en vélo cargo")
    page.locator("#id_summary").fill("Une flotte partagée de vélos cargos.")
    page.locator("#id_solution").fill("Vélos cargos électriques.")
    page.locator("#id_novelty").fill("Une flotte mutualisée.")
    page.locator("#id_maturity").select_option("prototype")
    click(site, "Enregistrer et continuer")

    page.locator("[name$=experiment_what]").fill("Livraisons de dix commerces.")
    page.locator("[name$=experiment_where]").fill("Autour du marché.")
    page.locator("[name$=experiment_duration_months]").fill("12")
    page.locator("[name$=experiment_ask]").fill("Un local.")
    page.locator("[name$=experiment_users]").fill("Commerçants.")
    click(site, "Enregistrer et continuer")

    page.locator("#id_impact").fill("Moins de camionnettes.")
    page.locator("#id_impact_measurement").fill("Comptage mensuel.")
    page.locator("#id_team").fill("Deux fondateurs.")
    click(site, "Enregistrer et continuer")

    page.locator("#id_budget_cost").fill("25000")
    page.locator("#id_budget_funding").fill("Fonds propres.")
    page.locator("#id_budget_ask").fill("Deux places de stationnement.")
    click(site, "Enregistrer et continuer")

    # Upload the pitch deck.
    page.locator("#id_file").set_input_files(
        {"name": "pitch.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    click(site, "Envoyer le fichier")
    assert page.get_by_role("link", name="pitch.pdf").is_visible()
    # The call also asks for a Kbis.
    page.locator("#id_kind").select_option(label="Extrait Kbis")
    page.locator("#id_file").set_input_files(
        {"name": "kbis.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    click(site, "Envoyer le fichier")
    assert page.get_by_role("link", name="kbis.pdf").is_visible()
    page.get_by_role("link", name="Continuer").click()
    page.wait_for_load_state("load")
    site.check()

    # The last step recaps every answer, with a link back to each step.
    recap = page.locator("section.recap")
    assert recap.get_by_role("heading", name="Récapitulatif de vos réponses").is_visible()
    for answer in ["Argenteuil", "Logistique urbaine", "Livraisons en vélo cargo", "25 000 €"]:
        assert recap.get_by_text(answer).first.is_visible(), answer
    assert recap.get_by_role("link", name=re.compile("Modifier")).count() == 6
    assert recap.get_by_text("kbis.pdf").is_visible()

    # Accept the rules and submit.
    assert "6 étapes complètes sur 7" in page.content()
    page.locator("#id_accept_rules").check()
    page.locator("#id_accept_privacy").check()
    click(site, "Déposer ma candidature")

    application.refresh_from_db()
    assert application.state == "submitted"
    assert "/recepisse/" in page.url
    assert application.reference in page.locator("h1 + p").inner_text()
    assert "heure de Paris" in page.content()
    assert any(application.reference in m.subject for m in mail.outbox)
    assert "Métropole du Grand Paris" in page.content()

    # The receipt to keep: a PDF generated by the platform.
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger le récépissé (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"recepisse-{application.reference}.pdf"
    with open(download.path(), "rb") as pdf:
        text = " ".join(
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages).split()
        )
    submitted = timezone.localtime(application.submitted_at, ZoneInfo("Europe/Paris"))
    assert application.reference in text
    assert submitted.strftime("%d/%m/%Y à %H:%M:%S") in text
    assert "Métropole du Grand Paris" in text

    site.goto("/candidatures/")
    assert application.reference in page.content()
