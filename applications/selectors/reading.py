"""Reads of the staff application page's reading aids: the previous and next
application in the dashboard's current order and filters, and the revision
history as the viewer's commune may read it."""

import difflib
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F
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


def _order_keys(rows):
    """The queryset's ORDER BY as (name, descending, nulls last) triples, the primary
    key last so that two equal rows still have a fixed order. The dashboard orders by
    fields and annotations only (applications.selectors.staff.SORTS, search rank)."""
    keys = []
    for item in rows.query.order_by:
        if isinstance(item, str):
            keys.append((item.lstrip("-"), item.startswith("-"), False))
        else:
            keys.append((item.expression.name, item.descending, bool(item.nulls_last)))
    keys.append(("pk", False, False))
    return keys


def _beyond(column, descending, nulls_last, *, after):
    """SQL: nav's ``column`` is strictly before (or ``after``) cur's on this key."""
    a, c = f"nav.{column}", f"cur.{column}"
    beyond = f"{a} {'<' if descending == after else '>'} {c}"
    if nulls_last:
        # Nulls come last: every value is before a null.
        first, then = (a, c) if after else (c, a)
        beyond = f"({beyond} OR ({first} IS NULL AND {then} IS NOT NULL))"
    return beyond


def _side(keys, *, after):
    """SQL: nav's row is before (or ``after``) cur's in the order of ``keys``: beyond it
    on the first key, or equal on it and beyond on the next, and so on."""
    alternatives, equal = [], []
    for index, (_name, descending, nulls_last) in enumerate(keys):
        column = f"k{index}"
        alternatives.append(
            " AND ".join([*equal, _beyond(column, descending, nulls_last, after=after)])
        )
        equal.append(
            f"(nav.{column} = cur.{column} OR (nav.{column} IS NULL AND cur.{column} IS NULL))"
        )
    return " OR ".join(f"({alternative})" for alternative in alternatives)


def _order_sql(keys, *, reverse=False):
    """SQL: the order of ``keys``, or its reverse (where nulls come last, first then)."""
    terms = []
    for index, (_name, descending, nulls_last) in enumerate(keys):
        term = f"nav.k{index} {'DESC' if descending != reverse else 'ASC'}"
        if nulls_last:
            term += " NULLS FIRST" if reverse else " NULLS LAST"
        terms.append(term)
    return ", ".join(terms)


def neighbours(user, target, query_dict):
    """The applications before and after ``target`` in the dashboard as the user sees
    it with these filters and this order, with its position among them.

    One query: the dashboard's rows with the values of the order's keys (``nav``, the
    filtered rows' keys computed once, not sorted), the current row among them
    (``cur``), then the number of rows and of rows before it, and the nearest row on
    each side (ORDER BY ... LIMIT 1: no sort of the commune's rows, nothing read into
    Python). When the filters exclude the current application (e.g. it was just
    screened out of an "à examiner" view), there are no neighbours and the page says so.
    """
    query = navigation_query(query_dict)
    filterset = DashboardFilterSet(QueryDict(query), participation=target.participation, user=user)
    rows = filterset.qs.prefetch_related(None)
    keys = _order_keys(rows)
    # Each key under its own alias, annotated in order: the SELECT lists them in that
    # order, which the common table's column names follow.
    aliases = {f"nav_k{index}": F(name) for index, (name, _d, _n) in enumerate(keys)}
    inner, params = (
        rows.order_by().annotate(**aliases).values_list(*aliases).query.sql_with_params()
    )
    columns = ", ".join(f"k{index}" for index in range(len(keys)))
    last = f"k{len(keys) - 1}"
    before, after = _side(keys, after=False), _side(keys, after=True)
    # Formatted in: the ORM's own SQL of the rows, column aliases and keywords; every
    # value (the current row's id, the filters' values) is a parameter.
    sql = (
        f"WITH nav({columns}) AS ({inner}), "  # noqa: S608
        f"cur AS (SELECT * FROM nav WHERE {last} = %s) "
        "SELECT (SELECT COUNT(*) FROM cur), (SELECT COUNT(*) FROM nav), "
        f"(SELECT COUNT(*) FROM nav, cur WHERE {before}), "
        f"(SELECT nav.{last} FROM nav, cur WHERE {before} "
        f"ORDER BY {_order_sql(keys, reverse=True)} LIMIT 1), "
        f"(SELECT nav.{last} FROM nav, cur WHERE {after} ORDER BY {_order_sql(keys)} LIMIT 1)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, target.pk])
        found, total, ahead, previous_id, next_id = cursor.fetchone()
    if not found:
        return Neighbours(None, None, None, None, query)
    return Neighbours(previous_id, next_id, ahead + 1, total, query)


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
