"""Demo applications of the demo candidates, in several states.

startup@ (Vélo Vert SAS): submitted in the open phase-2 call, submitted in
QMI1, withdrawn in QMI2 phase 1. startup2@ (Quartier Compost): a draft in
the open call, submitted in QMI2 phase 1. Idempotent: existing applications
are left as they are.
"""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from applications.models import Application, ApplicationTarget, Attachment
from applications.services.drafting import record_revision
from applications.services.submission import next_reference

PITCH_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

CONTENT = {
    "startup@qmi.example": {
        "title": "Livraisons du dernier kilomètre en vélo cargo",
        "summary": (
            "Une flotte de vélos cargos partagée entre les commerçants du quartier pour "
            "remplacer les livraisons en camionnette."
        ),
        "solution": "Vélos cargos électriques, réservation en ligne, un point de recharge.",
        "novelty": "Une flotte mutualisée, gérée avec les commerçants eux-mêmes.",
        "maturity": Application.Maturity.PILOT,
        "impact": "Moins de camionnettes et de bruit dans les rues commerçantes.",
        "impact_measurement": "Comptage des livraisons et des kilomètres évités, chaque mois.",
        "team": "Deux fondateurs, une mécanicienne, un chargé de relations commerçants.",
        "budget_cost": 48000,
        "budget_funding": "Fonds propres (60 %) et subvention régionale (40 %).",
        "budget_ask": "Un local de stockage et deux places de stationnement.",
    },
    "startup2@qmi.example": {
        "title": "Composteurs de quartier connectés",
        "summary": "Des composteurs partagés dont le remplissage est suivi par capteur.",
        "solution": "Bacs instrumentés, tableau de bord pour les habitants et la commune.",
        "novelty": "Le suivi du remplissage évite les bacs saturés.",
        "maturity": Application.Maturity.PROTOTYPE,
        "impact": "Moins de déchets organiques dans les ordures ménagères.",
        "impact_measurement": "Pesées mensuelles, enquête auprès des habitants.",
        "team": "Une association de 12 bénévoles et deux salariés.",
        "budget_cost": 18000,
        "budget_funding": "Cotisations et fondation d'entreprise.",
        "budget_ask": "Trois emplacements en pied d'immeuble.",
    },
}

EXPERIMENT = {
    "experiment_what": "Trois mois de livraisons pour dix commerces, puis extension.",
    "experiment_where": "Autour de la place du marché et de l'avenue principale.",
    "experiment_duration_months": 12,
    "experiment_ask": "Un local, deux places de stationnement, un relais auprès des commerçants.",
    "experiment_users": "Commerçants, habitants et livreurs.",
}


def _application(call, organisation, owner, content, state, targets=2):
    application, created = Application.objects.get_or_create(
        call=call,
        organisation=organisation,
        defaults={**content, "created_by": owner, "updated_by": owner},
    )
    if not created:
        return application
    for participation in call.participations.order_by("commune__name")[:targets]:
        ApplicationTarget.objects.get_or_create(
            application=application, participation=participation, defaults=EXPERIMENT
        )
        application.challenges.add(*participation.challenges.all()[:1])
    if state == Application.State.DRAFT:
        # A draft half-way through: no pitch deck, rules not accepted yet.
        Application.objects.filter(pk=application.pk).update(budget_cost=None, budget_ask="")
        return application
    attachment = Attachment(
        application=application,
        kind=Attachment.Kind.PITCH_DECK,
        original_name="presentation.pdf",
        content_type="application/pdf",
        size=len(PITCH_PDF),
        sha256=hashlib.sha256(PITCH_PDF).hexdigest(),
        uploaded_by=owner,
    )
    attachment.file.save("presentation.pdf", ContentFile(PITCH_PDF), save=False)
    attachment.save()
    submitted_at = min(timezone.now(), call.closes_at - datetime.timedelta(days=2))
    application.accepted_rules_at = application.accepted_privacy_at = submitted_at
    application.reference = next_reference(call.edition_id)
    application.state = Application.State.SUBMITTED
    application.submitted_at = submitted_at
    application.save()
    record_revision(application, owner)
    if state == Application.State.WITHDRAWN:
        application.state = Application.State.WITHDRAWN
        application.withdrawn_at = submitted_at + datetime.timedelta(days=1)
        application.save()
    return application


def seed(users, organisations, calls):
    """Return the demo applications, {(owner email, call key): Application}."""
    calls = calls.get("calls", {}) if isinstance(calls, dict) else {}
    plan = [
        ("startup@qmi.example", "qmi2_phase2", Application.State.SUBMITTED),
        ("startup@qmi.example", "qmi1", Application.State.SUBMITTED),
        ("startup@qmi.example", "qmi2_phase1", Application.State.WITHDRAWN),
        ("startup2@qmi.example", "qmi2_phase2", Application.State.DRAFT),
        ("startup2@qmi.example", "qmi2_phase1", Application.State.SUBMITTED),
    ]
    applications = {}
    for email, call_key, state in plan:
        call, organisation = calls.get(call_key), organisations.get(email)
        if call is None or organisation is None or email not in users:
            continue  # the calls demo may not provide this call yet
        applications[(email, call_key)] = _application(
            call, organisation, users[email], CONTENT[email], state
        )
    return applications
