"""Demo submitted applications, reviews, decisions and published results.

- QMI2 phase 2 (open): about 40 submitted applications per commune (a few
  target two communes), screening and reviews in progress by the Argenteuil
  and Issy teams, a few decisions at Argenteuil.
- QMI1 and QMI2 phase 1: results published, every commune finalised; QMI1
  has its 18 laureates (5 + 5 + 4 + 4), QMI2 phase 1 has 6 to 8 per commune.

Idempotent: a call that already has demo applications is left alone. Fast:
rows are written with bulk_create (so they carry no audit history).
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from applications.models import (
    Application,
    ApplicationTarget,
    Organisation,
    Review,
    ReviewScore,
)
from applications.services.scores import refresh_scores
from calls.models import Edition

DEMO_DOMAIN = "demo.qmi.example"
Decision = ApplicationTarget.Decision
Eligibility = ApplicationTarget.Eligibility

PREFIXES = [
    "Lumen", "Verdi", "Urba", "Civi", "Néo", "Agora", "Terra", "Flux", "Solis", "Mobi", "Éco",
    "Kairos",
]  # fmt: skip
SUFFIXES = [
    "Lab", "Tech", "Cité", "Mouv", "Partage", "Réseau", "Quartier", "Services", "Impact", "Énergie",
]  # fmt: skip
KINDS = [
    Organisation.Kind.STARTUP,
    Organisation.Kind.STARTUP,
    Organisation.Kind.SME,
    Organisation.Kind.ASSOCIATION,
    Organisation.Kind.COOPERATIVE,
]
IDEAS = [
    ("Bornes de recharge partagées pour vélos", "Recharger vélos et trottinettes chez soi."),
    ("Jardins partagés sur les toits", "Des potagers sur les toits, gérés par les habitants."),
    ("Capteurs de qualité de l'air", "Des capteurs qui informent les habitants en temps réel."),
    ("Ressourcerie mobile", "Un camion qui collecte et répare les objets."),
    ("Éclairage public intelligent", "Des lampadaires qui s'adaptent à la fréquentation."),
    ("Conciergerie de quartier", "Un point de services de proximité tenu par des habitants."),
    ("Navette autonome de rabattement", "Une navette électrique vers la gare."),
    ("Îlots de fraîcheur", "Des aménagements végétalisés démontables pour les étés chauds."),
    ("Tri des biodéchets en restauration", "Collecte et compostage en restauration."),
    ("Boutique éphémère pour créateurs", "Des locaux vacants ouverts aux créateurs du quartier."),
    ("Application de covoiturage solidaire", "Relier conducteurs et voisins sans voiture."),
    ("Mobilier urbain connecté", "Des bancs qui informent et rechargent les téléphones."),
    ("Récupération de chaleur des eaux usées", "Chauffer un équipement avec les eaux grises."),
    ("Cours d'école oasis", "Une cour désimperméabilisée, ouverte le week-end."),
    ("Plateforme d'entraide entre voisins", "Prêt d'objets et petits services entre habitants."),
    ("Micro-logistique urbaine", "Un hub de livraison mutualisé pour les commerçants."),
]  # fmt: skip
MOTIVATIONS = {
    Decision.SELECTED: "Un projet solide, bien adapté aux défis du quartier et prêt à être testé.",
    Decision.WAITING: "Un projet intéressant, classé juste après les lauréats.",
    Decision.NOT_SELECTED: (
        "Le projet répond moins directement aux défis retenus par la commune, "
        "ou sa faisabilité dans le quartier reste à démontrer."
    ),
}
# Laureates per commune for the published calls (each within the commune's quota).
LAUREATES = {
    "Aulnay-sous-Bois": 5,
    "Meudon": 5,
    "Noisy-le-Grand": 4,
    "Sceaux": 4,
    "Aubervilliers": 7,
    "Athis-Mons": 6,
    "Fontenay-sous-Bois": 8,
}
PER_COMMUNE = {"qmi2_phase2": 40, "qmi1": 11, "qmi2_phase1": 14}


def _siret(n):
    """A valid (Luhn) demo SIRET, unique per n."""
    base = f"9{n:012d}"
    for check in range(10):
        digits = base + str(check)
        total = 0
        for index, char in enumerate(reversed(digits)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return digits
    raise AssertionError("unreachable")


def demo_organisations(count):
    existing = {
        o.contact_email: o
        for o in Organisation.objects.filter(contact_email__endswith=f"@{DEMO_DOMAIN}")
    }
    new = []
    for n in range(count):
        email = f"contact{n:03d}@{DEMO_DOMAIN}"
        if email in existing:
            continue
        name = f"{PREFIXES[n % len(PREFIXES)]}{SUFFIXES[n // len(PREFIXES) % len(SUFFIXES)]}"
        new.append(
            Organisation(
                name=name if n < len(PREFIXES) * len(SUFFIXES) else f"{name} {n}",
                kind=KINDS[n % len(KINDS)],
                country="FR",
                siret=_siret(n + 1),
                size=Organisation.Size.MICRO,
                contact_name=f"Contact {name}",
                contact_email=email,
                website=f"https://{name.lower()}.example",
            )
        )
    Organisation.objects.bulk_create(new)
    return list(
        Organisation.objects.filter(contact_email__endswith=f"@{DEMO_DOMAIN}").order_by(
            "contact_email"
        )[:count]
    )


def _reserve_references(edition_id, count):
    """Take ``count`` numbers from the edition's counter under a row lock."""
    edition = Edition.objects.select_for_update().get(pk=edition_id)
    first = edition.last_application_number + 1
    edition.last_application_number += count
    edition.save(update_fields=["last_application_number"])
    return [f"{edition.code}-{n:04d}" for n in range(first, first + count)]


def _submitted_at(call, rng):
    end = min(timezone.now(), call.closes_at) - datetime.timedelta(hours=1)
    span = max((end - call.opens_at).total_seconds(), 3600)
    return call.opens_at + datetime.timedelta(seconds=rng.uniform(0, span))


def _create_applications(call, participations, organisations, per_commune, rng):
    """Applications spread over the participations; every 10th targets two communes."""
    plan = []  # (organisation, [participation, ...])
    communes = len(participations)
    total = per_commune * communes * 10 // 11
    for index in range(min(total, len(organisations))):
        chosen = [participations[index % communes]]
        if index % 10 == 0 and communes > 1:
            chosen.append(participations[(index + 1) % communes])
        plan.append((organisations[index], chosen))
    references = _reserve_references(call.edition_id, len(plan))
    applications = []
    for (organisation, _chosen), reference in zip(plan, references, strict=True):
        title, summary = IDEAS[rng.randrange(len(IDEAS))]
        submitted_at = _submitted_at(call, rng)
        applications.append(
            Application(
                call=call,
                organisation=organisation,
                reference=reference,
                state=Application.State.SUBMITTED,
                title=title,
                summary=summary,
                solution=f"{summary} Une solution testée avec les habitants.",
                novelty="Une approche co-construite avec les usagers du quartier.",
                maturity=rng.choice(Application.Maturity.values),
                impact="Un quartier plus agréable, plus sobre et plus solidaire.",
                impact_measurement="Indicateurs suivis chaque mois avec la commune.",
                team="Une équipe de trois à dix personnes.",
                budget_cost=rng.randrange(10, 120) * 1000,
                budget_funding="Fonds propres et subventions.",
                budget_ask="Un lieu d'expérimentation et un relais auprès des habitants.",
                accepted_rules_at=submitted_at,
                accepted_privacy_at=submitted_at,
                submitted_at=submitted_at,
            )
        )
    applications = Application.objects.bulk_create(applications)
    targets, links = [], []
    challenge_ids = {p.pk: list(p.challenges.values_list("pk", flat=True)) for p in participations}
    through = Application.challenges.through
    for application, (_organisation, chosen) in zip(applications, plan, strict=True):
        for participation in chosen:
            targets.append(
                ApplicationTarget(
                    application=application,
                    participation=participation,
                    submitted=True,
                    application_reference=application.reference,
                    experiment_what="Une expérimentation de douze mois dans le quartier.",
                    experiment_where=participation.quarter_name,
                    experiment_duration_months=rng.choice([6, 12, 18]),
                    experiment_users="Habitants, commerçants et agents de la commune.",
                )
            )
            ids = challenge_ids[participation.pk]
            for challenge_id in rng.sample(ids, min(len(ids), rng.randint(1, 2))):
                links.append(through(application_id=application.pk, challenge_id=challenge_id))
    ApplicationTarget.objects.bulk_create(targets)
    through.objects.bulk_create(links, ignore_conflicts=True)


def _has_demo_applications(call):
    return Application.objects.filter(
        call=call, organisation__contact_email__endswith=f"@{DEMO_DOMAIN}"
    ).exists()


def _targets_by_participation(call):
    rows = {}
    for target in (
        ApplicationTarget.objects.filter(
            participation__call=call, application__state=Application.State.SUBMITTED
        )
        .select_related("participation__commune", "application__organisation")
        .order_by("application__reference")
    ):
        rows.setdefault(target.participation, []).append(target)
    return rows


def _publish_past_call(call, rng):
    """Every commune of the call finalised with its laureates, results published."""
    now = timezone.now()
    decided_at = (call.results_published_at or now) - datetime.timedelta(days=7)
    changed = []
    # One laureate seat per organisation in a call: each pilot's company answers
    # the satisfaction survey once (18 pilots, 18 expérimentateurs for QMI1).
    selected_organisations = set()
    for participation, targets in _targets_by_participation(call).items():
        laureates = LAUREATES.get(participation.commune.name, participation.quota_min)
        laureates = max(participation.quota_min, min(participation.quota_max, laureates))
        # The demo candidates' own applications come first: they see a laureate.
        targets.sort(
            key=lambda t: (
                t.application.organisation_id in selected_organisations,
                t.application.organisation.contact_email.endswith(DEMO_DOMAIN),
                rng.random(),
            )
        )
        selected_organisations.update(t.application.organisation_id for t in targets[:laureates])
        for rank, target in enumerate(targets, start=1):
            target.eligibility = Eligibility.ELIGIBLE
            target.screened_at = decided_at
            if rank <= laureates:
                target.decision, target.selection_slot = Decision.SELECTED, rank
            elif rank <= laureates + 2:
                target.decision, target.selection_slot = Decision.WAITING, None
            else:
                target.decision, target.selection_slot = Decision.NOT_SELECTED, None
            target.decision_motivation = MOTIVATIONS[target.decision]
            target.decided_at = decided_at
            changed.append(target)
        type(participation).objects.filter(pk=participation.pk).update(
            selection_finalised_at=decided_at
        )
    ApplicationTarget.objects.bulk_update(
        changed,
        [
            "eligibility",
            "screened_at",
            "decision",
            "selection_slot",
            "decision_motivation",
            "decided_at",
        ],
        batch_size=200,
    )
    if call.results_published_at is None:
        type(call).objects.filter(pk=call.pk).update(results_published_at=now)


def _review_in_progress(call, users, rng):
    """Screening and reviews under way at Argenteuil and Issy, a few decisions."""
    criteria = list(call.criteria.all())
    teams = {
        "Argenteuil": {
            "manager": users.get("manager.argenteuil@qmi.example"),
            "reviewers": [
                (users.get("reviewer.argenteuil@qmi.example"), 24, 3),
                (users.get("manager.argenteuil@qmi.example"), 14, 2),
            ],
            "screened": 30,
            "ineligible": 2,
            "decisions": [Decision.SELECTED] * 3 + [Decision.WAITING] * 2,
        },
        "Issy-les-Moulineaux": {
            "manager": users.get("manager.issy@qmi.example"),
            "reviewers": [(users.get("manager.issy@qmi.example"), 18, 2)],
            "screened": 25,
            "ineligible": 1,
            "decisions": [],
        },
    }
    now = timezone.now()
    reviews, changed = [], []
    for participation, targets in _targets_by_participation(call).items():
        team = teams.get(participation.commune.name)
        if team is None or team["manager"] is None:
            continue
        targets = [
            t for t in targets if t.application.organisation.contact_email.endswith(DEMO_DOMAIN)
        ]
        for index, target in enumerate(targets[: team["screened"]]):
            ineligible = index >= team["screened"] - team["ineligible"]
            target.eligibility = Eligibility.INELIGIBLE if ineligible else Eligibility.ELIGIBLE
            target.eligibility_reason = (
                "Le projet ne propose pas d'expérimentation dans le quartier." if ineligible else ""
            )
            target.screened_by, target.screened_at = team["manager"], now
            changed.append(target)
        eligible = [t for t in targets if t.eligibility != Eligibility.INELIGIBLE]
        for offset, (reviewer, submitted, drafts) in enumerate(team["reviewers"]):
            if reviewer is None:
                continue
            for index, target in enumerate(eligible[offset * 5 :][: submitted + drafts]):
                done = index < submitted
                reviews.append(
                    Review(
                        target=target,
                        reviewer=reviewer,
                        state=Review.State.SUBMITTED if done else Review.State.DRAFT,
                        comment="Projet pertinent, à confirmer sur la faisabilité."
                        if done
                        else "À compléter.",
                        recommendation=rng.choice(Review.Recommendation.values) if done else "",
                        submitted_at=now if done else None,
                    )
                )
        for slot, (target, decision) in enumerate(
            zip(eligible, team["decisions"], strict=False), start=1
        ):
            target.decision = decision
            target.selection_slot = slot if decision == Decision.SELECTED else None
            target.decision_motivation = MOTIVATIONS[decision]
            target.decided_by, target.decided_at = team["manager"], now
    ApplicationTarget.objects.bulk_update(
        changed,
        [
            "eligibility",
            "eligibility_reason",
            "screened_by",
            "screened_at",
            "decision",
            "selection_slot",
            "decision_motivation",
            "decided_by",
            "decided_at",
        ],
        batch_size=200,
    )
    reviews = Review.objects.bulk_create(reviews)
    scores = []
    for review in reviews:
        quality = rng.randint(1, 5)
        for criterion in criteria:
            if review.state == Review.State.DRAFT and criterion.order % 2:
                continue  # a draft is half-scored
            score = max(0, min(5, quality + rng.choice([-1, 0, 0, 1])))
            scores.append(ReviewScore(review=review, criterion=criterion, score=score))
    ReviewScore.objects.bulk_create(scores)
    refresh_scores({review.target_id for review in reviews})


@transaction.atomic
def seed(users, calls):
    """``calls`` is calls/demo.py's dict; missing keys are skipped."""
    calls = (calls or {}).get("calls") or {}
    rng = random.Random(2025)  # the same demo on every machine
    organisations = demo_organisations(max(PER_COMMUNE.values()) * 3)
    for key in ("qmi1", "qmi2_phase1", "qmi2_phase2"):
        call = calls.get(key)
        if call is None or _has_demo_applications(call):
            continue
        participations = list(
            call.participations.select_related("commune").order_by("commune__name")
        )
        if not participations:
            continue
        _create_applications(call, participations, organisations, PER_COMMUNE[key], rng)
        if key == "qmi2_phase2":
            _review_in_progress(call, users, rng)
        else:
            _publish_past_call(call, rng)
