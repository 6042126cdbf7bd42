"""Reads of the staff application page's reading aids: the previous and next
application in the dashboard's current order and filters, and the revision
history as the viewer's commune may read it."""

import difflib
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, OrderBy, Window
from django.db.models.functions import Lag, Lead, RowNumber
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from applications.filters import DashboardFilterSet
from applications.models import Application

# The dashboard's query string keys (filters, search, sort) that the application
# page carries along; anything else (page, htmx's own keys) is dropped.
NAVIGATION_KEYS = tuple(DashboardFilterSet.base_filters)


def navigation_query(query_dict):
    """The dashboard's filters, search and sort of a query string, re-encoded (only
    the dashboard's own keys, at most one value each, 100 characters at most)."""
    kept = QueryDict(mutable=True)
    for key in NAVIGATION_KEYS:
        value = (query_dict.get(key) or "").strip()[:100]
        if value:
            kept[key] = value
    return kept.urlencode()


@dataclass
class Neighbours:
    previous_id: int | None
    next_id: int | None
    position: int | None
    total: int | None
    query: str


def _window_order(rows):
    """The queryset's ORDER BY as window ordering expressions, with the primary key
    last so that two equal rows still have a fixed order."""
    order = []
    for item in rows.query.order_by:
        if isinstance(item, str):
            descending = item.startswith("-")
            name = item.lstrip("-")
            order.append(OrderBy(F(name), descending=descending))
        else:
            order.append(item)
    order.append(OrderBy(F("pk")))
    return order


def neighbours(user, target, query_dict):
    """The applications before and after ``target`` in the dashboard as the user sees
    it with these filters and this order, with its position among them.

    One query that returns one row: the database numbers the filtered rows with
    window functions (LAG / LEAD / ROW_NUMBER over the dashboard's ORDER BY) and keeps
    the current one; no list of the commune's applications is read into Python. When
    the filters exclude the current application (e.g. it was just screened out of an
    "à examiner" view), there are no neighbours and the page says so.
    """
    query = navigation_query(query_dict)
    filterset = DashboardFilterSet(QueryDict(query), participation=target.participation, user=user)
    rows = filterset.qs.prefetch_related(None)
    order = _window_order(rows)
    row = (
        rows.annotate(
            nav_previous=Window(Lag("pk"), order_by=order),
            nav_next=Window(Lead("pk"), order_by=order),
            nav_position=Window(RowNumber(), order_by=order),
            nav_total=Window(Count("pk")),
            # The row's own id, as a window value: filtering on it makes Django keep
            # the windows computed over every filtered row, then pick this one.
            nav_self=Window(Max("pk"), partition_by=[F("pk")]),
        )
        .filter(nav_self=target.pk)
        .values("nav_previous", "nav_next", "nav_position", "nav_total")
        .first()
    )
    if row is None:
        return Neighbours(None, None, None, None, query)
    return Neighbours(
        row["nav_previous"], row["nav_next"], row["nav_position"], row["nav_total"], query
    )


# Revision history.

FIELD_LABELS = {
    "title": _("Titre"),
    "summary": _("Résumé"),
    "solution": _("La solution"),
    "novelty": _("Ce qui est nouveau"),
    "maturity": _("Maturité"),
    "impact": _("Impact attendu"),
    "impact_measurement": _("Mesure de l'impact"),
    "team": _("L'équipe"),
    "budget_cost": _("Coût de l'expérimentation"),
    "budget_funding": _("Financement"),
    "budget_ask": _("Ce qui est demandé à la commune"),
    "challenges": _("Défis"),
    "attachments": _("Pièces jointes"),
    "experiment_what": _("Ce qui sera testé"),
    "experiment_where": _("Où dans le quartier"),
    "experiment_duration_months": _("Durée (mois)"),
    "experiment_ask": _("Ce qui est demandé à la commune (expérimentation)"),
    "experiment_users": _("Les usagers concernés"),
}


@dataclass
class Piece:
    text: str
    kind: str = ""  # "", "added" or "removed"


@dataclass
class Change:
    label: str
    pieces: list = field(default_factory=list)
    separator: str = " "


@dataclass
class RevisionChanges:
    number: int
    created_at: object
    author: object
    changes: list = field(default_factory=list)


def visible_content(content, target, challenge_titles):
    """A revision's content as the team of ``target``'s commune may read it: the
    application's own fields, its attachments, this commune's challenges only, and
    the experiment proposed to this commune only (never another commune's)."""
    content = dict(content or {})
    commune = target.participation.commune.name
    # Snapshots name the commune; should two targeted communes share a name, neither
    # experiment is shown rather than perhaps the other one.
    mine = [p for p in content.pop("targets", None) or [] if p.get("commune") == commune]
    experiment = {k: v for k, v in mine[0].items() if k != "commune"} if len(mine) == 1 else {}
    content["challenges"] = [
        title for title in content.get("challenges") or [] if title in challenge_titles
    ]
    content["attachments"] = [a.get("name", "") for a in content.get("attachments") or []]
    content.update(experiment)
    return content


def _words(text):
    return [word for word in str(text).replace("\n", " \n ").split(" ") if word]


def text_diff(before, after):
    """What changed between two texts, word by word: the unchanged words, the words
    removed and the words added, as pieces the template marks up (escaped)."""
    before_words, after_words = _words(before), _words(after)
    pieces = []
    matcher = difflib.SequenceMatcher(a=before_words, b=after_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece(" ".join(before_words[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(Piece(" ".join(before_words[a1:a2]), "removed"))
        if b2 > b1:
            pieces.append(Piece(" ".join(after_words[b1:b2]), "added"))
    return pieces


def _as_text(value):
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _list_diff(before, after):
    before, after = list(before or []), list(after or [])
    pieces = [Piece(item) for item in after if item in before]
    pieces += [Piece(item, "removed") for item in before if item not in after]
    pieces += [Piece(item, "added") for item in after if item not in before]
    return pieces


def changes_between(before, after):
    keys = [k for k in FIELD_LABELS if k in before or k in after]
    changes = []
    for key in keys:
        old, new = before.get(key), after.get(key)
        if _as_text(old) == _as_text(new):
            continue
        if isinstance(old, list) or isinstance(new, list):
            change = Change(str(FIELD_LABELS[key]), _list_diff(old, new), ", ")
        else:
            change = Change(str(FIELD_LABELS[key]), text_diff(_as_text(old), _as_text(new)))
        changes.append(change)
    return changes


def revision_history(target, challenge_titles=None):
    """The application's revisions, newest first, each with what changed since the
    previous one as ``target``'s commune sees it. The first revision (the
    submission) has no changes; a revision that changed only what another commune
    sees is left out, so even its existence tells nothing."""
    application: Application = target.application
    if challenge_titles is None:
        challenge_titles = application.challenges.filter(
            participation=target.participation
        ).values_list("title", flat=True)
    challenge_titles = set(challenge_titles)
    revisions = list(application.revisions.select_related("author").order_by("number"))
    history = []
    previous = None
    for revision in revisions:
        content = visible_content(revision.content, target, challenge_titles)
        if previous is None:
            history.append(RevisionChanges(revision.number, revision.created_at, revision.author))
        else:
            changes = changes_between(previous, content)
            if changes:
                history.append(
                    RevisionChanges(revision.number, revision.created_at, revision.author, changes)
                )
        previous = content
    history.reverse()
    return history


def target_ids_in(user, participation, ids):
    """The ids among ``ids`` of rows of this participation the user may see."""
    from applications.selectors.staff import staff_targets

    clean = [i for i in ids if str(i).isdigit() and len(str(i)) < 12]
    return list(
        staff_targets(user)
        .filter(participation=participation, pk__in=clean)
        .select_related("application", "participation__call", "participation__commune")
        .order_by("application__reference")
    )
