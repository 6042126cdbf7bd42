"""Demo communes: ten communes of the Métropole du Grand Paris, with their INSEE codes."""

from django.utils.text import slugify

from communes.models import Commune

# (edition, name, INSEE code, department)
COMMUNES = [
    ("QMI1", "Aulnay-sous-Bois", "93005", "Seine-Saint-Denis"),
    ("QMI1", "Meudon", "92048", "Hauts-de-Seine"),
    ("QMI1", "Noisy-le-Grand", "93051", "Seine-Saint-Denis"),
    ("QMI1", "Sceaux", "92071", "Hauts-de-Seine"),
    ("QMI2", "Aubervilliers", "93001", "Seine-Saint-Denis"),
    ("QMI2", "Athis-Mons", "91027", "Essonne"),
    ("QMI2", "Fontenay-sous-Bois", "94033", "Val-de-Marne"),
    ("QMI2", "Argenteuil", "95018", "Val-d'Oise"),
    ("QMI2", "Issy-les-Moulineaux", "92040", "Hauts-de-Seine"),
    ("QMI2", "Sucy-en-Brie", "94071", "Val-de-Marne"),
]


def seed():
    """Return {name: Commune}."""
    communes = {}
    for _edition, name, insee, department in COMMUNES:
        commune, _ = Commune.objects.update_or_create(
            insee_code=insee,
            defaults={"name": name, "slug": slugify(name), "department": department},
        )
        communes[name] = commune
    return communes


def edition_of(name):
    return next(edition for edition, commune, *_ in COMMUNES if commune == name)
