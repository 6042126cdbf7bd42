"""Demo editions, participations, challenges and calls (QMI1: four communes, QMI2: six).

Facts from the press release of 20 February 2025; themes are real for
Argenteuil and Aulnay-sous-Bois, plausible elsewhere. Idempotent: a second
run creates nothing and leaves the phase-2 deadline where the first run put it.
"""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from calls import services
from calls.models import Call, Challenge, Edition, Participation, Tag
from calls.page_cache import bump_version
from communes.demo import COMMUNES

PARIS = ZoneInfo("Europe/Paris")

EDITIONS = {
    "QMI1": {
        "number": 1,
        "name": "Première édition",
        "slug": "qmi1",
        "starts_on": datetime.date(2022, 9, 1),
        "ends_on": datetime.date(2025, 2, 13),
        "description": (
            "Quatre communes pionnières : Aulnay-sous-Bois, Meudon, Noisy-le-Grand et "
            "Sceaux. Clôture le 13 février 2025 à Aulnay-sous-Bois."
        ),
    },
    "QMI2": {
        "number": 2,
        "name": "Deuxième édition",
        "slug": "qmi2",
        "starts_on": datetime.date(2024, 3, 1),
        "ends_on": None,
        "description": (
            "Six communes : Aubervilliers, Athis-Mons et Fontenay-sous-Bois (lauréats "
            "annoncés en octobre 2024), puis Argenteuil, Issy-les-Moulineaux et Sucy-en-Brie."
        ),
    },
}

TAGS = {
    "mobilite": "Mobilité",
    "dechets": "Déchets",
    "nature-en-ville": "Nature en ville",
    "espaces-publics": "Espaces publics",
    "commerce-de-proximite": "Commerce de proximité",
    "vie-locale": "Vie locale",
    "economie-locale": "Économie locale",
    "materiaux-ecoresponsables": "Matériaux écoresponsables",
    "services-aux-habitants": "Services aux habitants",
    "energie": "Énergie",
    "sante": "Santé et bien-être",
    "logistique": "Logistique urbaine",
}

# name: (quarter, description, quota_min, quota_max, [(challenge, [tag slugs])])
QUARTERS = {
    # QMI1: maxima add up to the 18 pilots deployed.
    "Aulnay-sous-Bois": (
        "Secteurs Chanteloup, Centre-Gare, Rose des Vents et Parc Ballanger",
        "Quatre secteurs en renouvellement, du centre-gare au parc départemental.",
        4,
        5,
        [
            ("Requalifier les espaces publics", ["espaces-publics"]),
            ("Faire entrer la nature en ville", ["nature-en-ville"]),
            ("Soutenir le commerce de proximité", ["commerce-de-proximite", "economie-locale"]),
            ("Animer la vie locale", ["vie-locale"]),
            ("Faciliter les mobilités du quotidien", ["mobilite"]),
            ("Réduire et valoriser les déchets", ["dechets"]),
        ],
    ),
    "Meudon": (
        "Meudon-la-Forêt",
        "Un grand ensemble au bord de la forêt domaniale.",
        4,
        5,
        [
            ("Rénover et économiser l'énergie", ["energie"]),
            ("Relier le quartier à la forêt et aux gares", ["mobilite", "nature-en-ville"]),
            ("Renforcer le lien entre habitants", ["vie-locale"]),
        ],
    ),
    "Noisy-le-Grand": (
        "Pavé Neuf et Mont d'Est",
        "Un quartier sur dalle autour du pôle de transports.",
        3,
        4,
        [
            ("Rendre la dalle plus accueillante", ["espaces-publics"]),
            ("Mieux trier et collecter", ["dechets"]),
            ("Fluidifier les déplacements", ["mobilite"]),
        ],
    ),
    "Sceaux": (
        "Quartier des Blagis",
        "Un quartier résidentiel aux commerces fragiles.",
        3,
        4,
        [
            ("Redynamiser les commerces", ["commerce-de-proximite"]),
            ("Bien vieillir dans le quartier", ["sante", "services-aux-habitants"]),
            ("Végétaliser rues et cours", ["nature-en-ville"]),
        ],
    ),
    # QMI2, phase 1.
    "Aubervilliers": (
        "Quartier du Fort d'Aubervilliers",
        "Un écoquartier en devenir autour de la nouvelle gare.",
        6,
        8,
        [
            ("Créer des îlots de fraîcheur", ["nature-en-ville", "sante"]),
            ("Réduire les dépôts sauvages", ["dechets", "espaces-publics"]),
            ("Accompagner l'arrivée de la gare", ["mobilite"]),
        ],
    ),
    "Athis-Mons": (
        "Portes de l'Essonne",
        "Un quartier entre Seine et plateforme aéroportuaire.",
        6,
        8,
        [
            ("Réduire les nuisances sonores", ["sante"]),
            ("Développer les mobilités douces", ["mobilite"]),
            ("Valoriser les berges de Seine", ["nature-en-ville", "espaces-publics"]),
        ],
    ),
    "Fontenay-sous-Bois": (
        "Val de Fontenay",
        "Un pôle d'emplois et de logements en mutation.",
        6,
        8,
        [
            ("Optimiser la logistique du dernier kilomètre", ["logistique", "mobilite"]),
            ("Sobriété énergétique des bâtiments", ["energie"]),
            ("Faire vivre les rez-de-chaussée", ["commerce-de-proximite", "vie-locale"]),
        ],
    ),
    # QMI2, phase 2.
    "Argenteuil": (
        "Secteur Porte Saint-Germain",
        "Un secteur d'entrée de ville en pleine transformation.",
        6,
        8,
        [
            ("Construire avec des matériaux écoresponsables", ["materiaux-ecoresponsables"]),
            ("Développer l'économie locale", ["economie-locale", "commerce-de-proximite"]),
            ("Apaiser la circulation et le stationnement", ["mobilite"]),
            ("Inventer de nouveaux services aux habitants", ["services-aux-habitants"]),
        ],
    ),
    "Issy-les-Moulineaux": (
        "Quartier Léon Blum",
        "Un quartier dense au pied du tramway T2.",
        6,
        8,
        [
            ("Livrer sans encombrer", ["logistique", "mobilite"]),
            ("Partager l'espace public", ["espaces-publics", "vie-locale"]),
            ("Mesurer et réduire la consommation d'énergie", ["energie"]),
        ],
    ),
    "Sucy-en-Brie": (
        "Quartier du Grand Val",
        "Un quartier d'habitat collectif entre bois et RER.",
        6,
        8,
        [
            ("Relier le quartier au RER", ["mobilite"]),
            ("Redonner vie au centre commercial", ["commerce-de-proximite"]),
            ("Composter et réemployer", ["dechets"]),
        ],
    ),
}

ELIGIBILITY = (
    "Start-up, PME, grandes entreprises, associations, coopératives et écoles, "
    "françaises ou étrangères, proposant une solution innovante prête à être "
    "expérimentée dans le quartier pendant 18 mois au plus."
)
DOCUMENTS = (
    "Présentation du projet (PDF), extrait Kbis ou statuts, budget prévisionnel "
    "de l'expérimentation, références éventuelles."
)
QUESTIONS = [
    (
        "L'expérimentation est-elle rémunérée ?",
        "Non : la commune met à disposition le terrain d'expérimentation et un "
        "accompagnement ; l'expérimentateur finance sa solution.",
    ),
    (
        "Peut-on candidater pour plusieurs communes ?",
        "Oui, une même candidature peut viser plusieurs communes de l'appel ; "
        "chacune l'évalue séparément.",
    ),
    (
        "Les entreprises étrangères peuvent-elles candidater ?",
        "Oui, le SIRET n'est demandé qu'aux organisations françaises.",
    ),
]

# An empty one-page PDF that earlier demos uploaded as the rules: removed on the next
# seeding, so that the call's page serves the rules generated from the call's data.
STUB_RULES_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def drop_stub_rules(call):
    if not call.rules_document:
        return
    try:
        with call.rules_document.open("rb") as handle:
            stub = handle.read(len(STUB_RULES_PDF) + 1) == STUB_RULES_PDF
    except FileNotFoundError:
        stub = True
    if stub:
        call.rules_document.delete(save=False)
        type(call).objects.filter(pk=call.pk).update(rules_document="")
        bump_version()


def paris(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def phase2_dates(now):
    """Open for two weeks already; closes three weeks after seeding, at 23:59 Paris time."""
    local = timezone.localtime(now, PARIS) + datetime.timedelta(days=21)
    closes = datetime.datetime.combine(local.date(), datetime.time(23, 59), tzinfo=PARIS)
    return closes - datetime.timedelta(days=35), closes


def call_specs(now):
    phase2_opens, phase2_closes = phase2_dates(now)
    return {
        "qmi1": {
            "slug": "qmi1-appel-a-projets-2023",
            "edition": "QMI1",
            "title": "QMI1 – Appel à projets 2023",
            "summary": (
                "Le premier appel à projets des Quartiers Métropolitains d'Innovation, "
                "dans quatre communes pionnières."
            ),
            "opens_at": paris(2023, 1, 16, 9),
            "closes_at": paris(2023, 3, 17, 23, 59),
            "results_published_at": paris(2023, 6, 29, 10),
            "communes": ["Aulnay-sous-Bois", "Meudon", "Noisy-le-Grand", "Sceaux"],
        },
        "qmi2_phase1": {
            "slug": "qmi2-phase-1",
            "edition": "QMI2",
            "title": "QMI2 – Appel à projets, phase 1",
            "summary": "Aubervilliers, Athis-Mons et Fontenay-sous-Bois cherchent leurs lauréats.",
            "opens_at": paris(2024, 4, 8, 9),
            "closes_at": paris(2024, 6, 14, 23, 59),
            "results_published_at": paris(2024, 10, 15, 10),
            "communes": ["Aubervilliers", "Athis-Mons", "Fontenay-sous-Bois"],
        },
        "qmi2_phase2": {
            "slug": "qmi2-phase-2",
            "edition": "QMI2",
            "title": "QMI2 – Appel à projets, phase 2",
            "summary": (
                "Argenteuil, Issy-les-Moulineaux et Sucy-en-Brie retiendront chacune "
                "6 à 8 projets, soit 24 au plus."
            ),
            "opens_at": phase2_opens,
            "closes_at": phase2_closes,
            "results_published_at": None,
            "communes": ["Argenteuil", "Issy-les-Moulineaux", "Sucy-en-Brie"],
        },
    }


def seed_tags():
    return {
        slug: Tag.objects.update_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in TAGS.items()
    }


def seed_participation(edition, commune, tags):
    quarter, description, quota_min, quota_max, challenges = QUARTERS[commune.name]
    participation, _ = Participation.objects.update_or_create(
        edition=edition,
        commune=commune,
        defaults={
            "quarter_name": quarter,
            "quarter_description": description,
            "quota_min": quota_min,
            "quota_max": quota_max,
        },
    )
    for order, (title, tag_slugs) in enumerate(challenges, start=1):
        challenge, _ = Challenge.objects.update_or_create(
            participation=participation, title=title, defaults={"order": order}
        )
        challenge.tags.set([tags[slug] for slug in tag_slugs])
    return participation


def seed_call(spec, editions, participations, now):
    call = Call.objects.filter(slug=spec["slug"]).first()
    chosen = [participations[name] for name in spec["communes"]]
    if call is None:
        # Dates are set on creation only: a second run never moves a deadline.
        call = services.create_call(
            edition=editions[spec["edition"]],
            slug=spec["slug"],
            title=spec["title"],
            summary=spec["summary"],
            eligibility=ELIGIBILITY,
            required_documents=DOCUMENTS,
            opens_at=spec["opens_at"],
            closes_at=spec["closes_at"],
            participations=chosen,
            questions=QUESTIONS,
        )
        services.publish_call(call, now=min(now, spec["opens_at"]))
        if spec["results_published_at"]:
            Call.objects.filter(pk=call.pk).update(
                results_published_at=spec["results_published_at"]
            )
        call.refresh_from_db()
    else:
        services.attach_participations(call, chosen)
        drop_stub_rules(call)
    return call


def seed(communes):
    """Return {"editions": {code: Edition}, "participations": {commune name: Participation},
    "calls": {"qmi1" | "qmi2_phase1" | "qmi2_phase2": Call}, "tags": {slug: Tag}}."""
    now = timezone.now()
    editions = {
        code: Edition.objects.update_or_create(code=code, defaults=fields)[0]
        for code, fields in EDITIONS.items()
    }
    tags = seed_tags()
    participations = {
        name: seed_participation(editions[code], communes[name], tags)
        for code, name, *_ in COMMUNES
    }
    calls = {
        key: seed_call(spec, editions, participations, now) for key, spec in call_specs(now).items()
    }
    return {"editions": editions, "participations": participations, "calls": calls, "tags": tags}
