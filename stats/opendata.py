"""Open data of the laureates: stable, documented columns, the same in CSV, JSON and the API.

Only laureates of published results (``calls.selectors.laureates``): nothing
about an application that was not selected, and nothing about a person (an
organisation that is a natural person is published without its name nor SIRET;
no contact, no member, no reviewer ever appears).
"""

import csv
import io

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from applications.models import Organisation
from applications.services.exports import neutralise
from calls.models import Challenge
from calls.selectors import laureates
from experimentations.selectors.pilots import public_states

LICENCE = "Licence Ouverte / Open Licence 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

# (name, description): the order and names never change; new columns go at the end.
COLUMNS = [
    ("edition", _("Code de l’édition (ex. QMI2).")),
    ("call", _("Titre de l’appel à projets.")),
    ("commune", _("Commune qui accueille l’expérimentation.")),
    ("insee_code", _("Code INSEE de la commune (5 caractères).")),
    ("organisation", _("Nom de la structure lauréate ; vide pour une personne physique.")),
    (
        "siret",
        _(
            "SIRET de la structure (14 chiffres) ; "
            "vide hors de France ou pour une personne physique."
        ),
    ),
    ("project_title", _("Titre du projet.")),
    ("summary", _("Résumé du projet, tel que publié par la structure.")),
    ("challenges", _("Défis de la commune visés par le projet, séparés par « | ».")),
    (
        "pilot_state",
        _(
            "État de l’expérimentation : preparing (en préparation), running (en cours), "
            "completed (terminée), abandoned (abandonnée) ; vide tant qu’elle n’est pas créée."
        ),
    ),
    (
        "pilot_start",
        _("Début de l’expérimentation (AAAA-MM-JJ, réel sinon prévu) ; vide si inconnu."),
    ),
    (
        "pilot_end",
        _("Fin de l’expérimentation (AAAA-MM-JJ, réelle sinon prévue) ; vide si inconnue."),
    ),
]
FIELDS = [name for name, _description in COLUMNS]


def laureate_targets(edition=None, commune=None):
    """Laureates in a stable order, with what their records need (a fixed number of queries)."""
    targets = laureates(edition=edition, commune=commune).prefetch_related(
        Prefetch(
            "application__challenges",
            queryset=Challenge.objects.order_by("order", "id"),
        )
    )
    return targets.order_by(
        "participation__edition__number", "participation__commune__name", "application__reference"
    )


def pilots_of(targets):
    """{(application id, participation id): public pilot fields}, in one query."""
    return public_states(targets)


def _date(value):
    return value.isoformat() if value else None


def record(target, pilots):
    """One row. ``pilots`` comes from ``pilots_of`` over the same targets."""
    application = target.application
    organisation = application.organisation
    person = organisation.kind == Organisation.Kind.INDIVIDUAL
    pilot = pilots.get((target.application_id, target.participation_id))
    return {
        "edition": target.participation.edition.code,
        "call": application.call.title,
        "commune": target.participation.commune.name,
        "insee_code": target.participation.commune.insee_code,
        "organisation": "" if person else organisation.name,
        "siret": "" if person else organisation.siret,
        "project_title": application.title,
        "summary": application.summary,
        "challenges": " | ".join(
            c.title
            for c in application.challenges.all()
            if c.participation_id == target.participation_id
        ),
        "pilot_state": pilot.state if pilot else None,
        "pilot_start": _date(pilot.actual_start or pilot.planned_start) if pilot else None,
        "pilot_end": _date(pilot.actual_end or pilot.planned_end) if pilot else None,
    }


def records(edition=None, commune=None):
    targets = list(laureate_targets(edition=edition, commune=commune))
    pilots = pilots_of(targets)
    return [record(t, pilots) for t in targets]


def to_csv(rows):
    """UTF-8 without byte-order mark, ``;`` separated, every cell neutralised for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow(
            [neutralise("" if row[name] is None else str(row[name])) for name in FIELDS]
        )
    return buffer.getvalue().encode("utf-8")
