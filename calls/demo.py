"""Demo editions and participations (QMI1: four communes, QMI2: six)."""

import datetime

from calls.models import Edition, Participation
from communes.demo import COMMUNES

EDITIONS = {
    "QMI1": {
        "number": 1,
        "name": "Première édition",
        "slug": "qmi1",
        "starts_on": datetime.date(2022, 9, 1),
        "ends_on": datetime.date(2025, 2, 13),
        "description": (
            "Quatre communes pionnières, 18 projets pilotes déployés, 83 % "
            "d'expérimentateurs satisfaits. Clôture le 13 février 2025 à Aulnay-sous-Bois."
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


def seed(communes):
    """Return {"editions": {code: Edition}, "participations": {commune name: Participation}}."""
    editions = {}
    for code, fields in EDITIONS.items():
        editions[code], _ = Edition.objects.update_or_create(code=code, defaults=fields)
    participations = {}
    for code, name, *_ in COMMUNES:
        participations[name], _ = Participation.objects.get_or_create(
            edition=editions[code],
            commune=communes[name],
            defaults={"quarter_name": f"Quartier d'innovation de {name}"},
        )
    return {"editions": editions, "participations": participations}
