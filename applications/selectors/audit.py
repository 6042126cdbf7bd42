"""The audit log, read from django-simple-history's tables.

Screenings and decisions (ApplicationTarget), a candidate withdrawing an application or
unticking a commune whose team had worked on it (ApplicationTarget), submitted reviews
and declared conflicts (Review), finalisations and reopenings (Participation), the
publication of the call and of its results (Call): one query per table whatever the
volume, diffs computed between consecutive versions of each row.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from applications.models import ApplicationTarget, Review
from calls.models import Call, Participation

EMPTY = "—"


class Kind:
    SCREENING = "screening"
    DECISION = "decision"
    WITHDRAWAL = "withdrawal"
    COMMUNES = "communes"
    REVIEW = "review"
    REVIEW_CHANGED = "review_changed"
    CONFLICT = "conflict"
    FINALISED = "finalised"
    REOPENED = "reopened"
    CALL_PUBLISHED = "call_published"
    RESULTS = "results"
    JURY = "jury"
    QUESTIONS = "questions"


KINDS = {
    Kind.SCREENING: _("examen d'éligibilité"),
    Kind.DECISION: _("décision"),
    Kind.WITHDRAWAL: _("candidature retirée par le candidat"),
    Kind.COMMUNES: _("communes visées changées par le candidat"),
    Kind.REVIEW: _("évaluation soumise"),
    Kind.REVIEW_CHANGED: _("évaluation soumise modifiée"),
    Kind.CONFLICT: _("conflit d'intérêts déclaré"),
    Kind.FINALISED: _("sélection finalisée"),
    Kind.REOPENED: _("sélection rouverte"),
    Kind.CALL_PUBLISHED: _("appel publié"),
    Kind.RESULTS: _("résultats publiés"),
    Kind.JURY: _("avis du jury"),
    Kind.QUESTIONS: _("questions au candidat et réponses"),
}

# Which history table holds each kind of entry: a filter on one kind reads one table.
_TABLE_KINDS = {
    "targets": {Kind.SCREENING, Kind.DECISION, Kind.WITHDRAWAL, Kind.COMMUNES},
    "reviews": {Kind.REVIEW, Kind.REVIEW_CHANGED, Kind.CONFLICT},
    "participations": {Kind.FINALISED, Kind.REOPENED},
    "call": {Kind.CALL_PUBLISHED, Kind.RESULTS},
    "jury": {Kind.JURY},
    "questions": {Kind.QUESTIONS},
}

LABELS = {
    "eligibility": _("éligibilité"),
    "eligibility_reason": _("motif de non-éligibilité"),
    "decision": _("décision"),
    "decision_motivation": _("motivation"),
    "state": _("état"),
    "recommendation": _("recommandation"),
    "comment": _("commentaire"),
    "conflict_of_interest": _("conflit d'intérêts"),
    "conflict_reason": _("motif du conflit"),
}


@dataclass
class AuditEntry:
    when: datetime
    who: object
    action: str
    subject: str
    changes: list = field(default_factory=list)  # [(label, old, new)]
    kind: str = ""
    commune: str = ""

    @property
    def who_label(self):
        return self.who.display_name if self.who is not None else str(_("système"))


@dataclass
class AuditFilters:
    """What the page asks for; every field optional."""

    who: str = ""  # part of a name or an e-mail address
    kind: str = ""
    commune: int | None = None  # a participation's commune id
    commune_name: str = ""  # the same commune, for entries read without the filter
    since: datetime | None = None
    until: datetime | None = None  # exclusive

    def history(self, queryset, commune_path):
        """Only the commune narrows the query: it keeps each row's versions whole, so a
        change is always compared with the version just before it."""
        if self.commune and commune_path:
            queryset = queryset.filter(**{commune_path: self.commune})
        return queryset

    def matches(self, entry):
        if self.kind and entry.kind != self.kind:
            return False
        if self.commune_name and entry.commune and entry.commune != self.commune_name:
            return False
        if self.since and entry.when < self.since:
            return False
        if self.until and entry.when >= self.until:
            return False
        if self.who:
            who = self.who.casefold()
            person = entry.who
            names = (person.full_name or "", person.email or "") if person is not None else ("",)
            if not any(who in name.casefold() for name in names):
                return False
        return True

    def reads(self, table):
        if self.kind and self.kind not in _TABLE_KINDS[table]:
            return False
        # The call's own events concern every commune: a commune filter leaves them out.
        return not (self.commune and table == "call")


TARGET_FIELDS = ["eligibility", "eligibility_reason", "decision", "decision_motivation"]
REVIEW_FIELDS = ["state", "recommendation", "comment", "conflict_of_interest", "conflict_reason"]


def _versions(history_qs, key="id"):
    """Yield (previous or None, record) for each version, oldest first per object."""
    previous = {}
    for record in history_qs.order_by(key, "history_date", "history_id"):
        yield previous.get(getattr(record, key)), record
        previous[getattr(record, key)] = record


def _label(model, name):
    """Our labels for screenings, decisions and reviews; others (the jury's) keep theirs."""
    if model in (ApplicationTarget, Review) and name in LABELS:
        return LABELS[name]
    return str(model._meta.get_field(name).verbose_name)


def _display(model, name, value):
    field_ = model._meta.get_field(name)
    if value is None or value == "":
        if field_.choices:
            label = dict(field_.flatchoices).get(value)
            return str(label) if label else EMPTY
        return EMPTY
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    return value


def _changes(model, names, previous, record):
    changes = []
    for name in names:
        new = getattr(record, name)
        if previous is None:
            default = model._meta.get_field(name).get_default()
            if new in ("", None, False) or new == default:
                continue
            changes.append((_label(model, name), EMPTY, _display(model, name, new)))
            continue
        old = getattr(previous, name)
        if old != new:
            changes.append(
                (_label(model, name), _display(model, name, old), _display(model, name, new))
            )
    return changes


def _target_kind(previous, record, names):
    """What a change of a commune's row is: a withdrawal frees the decision (decide()
    never clears one); a candidate unticking or ticking again a commune sets or clears
    withdrawn_at; otherwise a screening or a decision."""
    if previous is not None and previous.decision and not record.decision:
        return Kind.WITHDRAWAL
    if names & {"decision", "decision_motivation"}:
        return Kind.DECISION
    return Kind.SCREENING


def _target_entries(call, filters):
    history = filters.history(
        ApplicationTarget.history.filter(participation__call=call),
        "participation__commune_id",
    ).select_related("history_user", "application", "participation__commune")
    for previous, record in _versions(history):
        subject = f"{record.application.reference} → {record.participation.commune.name}"
        common = {"subject": subject, "commune": record.participation.commune.name}
        before = previous.withdrawn_at if previous else None
        if previous is not None and bool(before) != bool(record.withdrawn_at):
            yield AuditEntry(
                record.history_date,
                record.history_user,
                KINDS[Kind.COMMUNES],
                changes=[
                    (
                        _("commune visée"),
                        _("oui") if not before else _("non"),
                        _("non") if record.withdrawn_at else _("oui"),
                    )
                ],
                kind=Kind.COMMUNES,
                **common,
            )
        changes = _changes(ApplicationTarget, TARGET_FIELDS, previous, record)
        if not changes:
            continue
        names = {
            name
            for name in TARGET_FIELDS
            if previous is None or getattr(previous, name) != getattr(record, name)
        }
        kind = _target_kind(previous, record, names)
        if kind == Kind.WITHDRAWAL:
            changes = [
                (
                    LABELS["decision"],
                    _display(ApplicationTarget, "decision", previous.decision),
                    str(_("place libérée")),
                ),
            ]
        yield AuditEntry(
            record.history_date,
            record.history_user,
            KINDS[kind],
            changes=changes,
            kind=kind,
            **common,
        )


def _review_entries(call, filters):
    history = filters.history(
        Review.history.filter(target__participation__call=call),
        "target__participation__commune_id",
    ).select_related(
        "history_user", "reviewer", "target__application", "target__participation__commune"
    )
    for previous, record in _versions(history):
        submitted = record.state == Review.State.SUBMITTED and (
            previous is None or previous.state != Review.State.SUBMITTED
        )
        conflict = record.conflict_of_interest and not (previous and previous.conflict_of_interest)
        changed = (
            not submitted
            and not conflict
            and record.state == Review.State.SUBMITTED
            and previous is not None
        )
        changes = _changes(Review, REVIEW_FIELDS, previous, record) + _score_changes(
            previous, record
        )
        if changed and not changes:
            continue
        if not (submitted or conflict or changed):
            continue
        if conflict:
            kind = Kind.CONFLICT
        elif submitted:
            kind = Kind.REVIEW
        else:
            kind = Kind.REVIEW_CHANGED
        commune = record.target.participation.commune.name
        yield AuditEntry(
            record.history_date,
            record.history_user,
            KINDS[kind],
            f"{record.target.application.reference} → {commune} ({record.reviewer})",
            changes,
            kind=kind,
            commune=commune,
        )


def _score_changes(previous, record):
    """(criterion, old score, new score) for each score that changed between versions."""
    old = (previous.score_snapshot or {}) if previous else {}
    new = record.score_snapshot or {}

    def shown(value):
        return EMPTY if value is None else value

    return [
        (name, shown(old.get(name)), shown(new.get(name)))
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    ]


def _participation_entries(call, filters):
    history = filters.history(Participation.history.filter(call=call), "commune_id").select_related(
        "history_user", "commune"
    )
    for previous, record in _versions(history):
        before = previous.selection_finalised_at if previous else None
        after = record.selection_finalised_at
        if bool(before) == bool(after):
            continue
        kind = Kind.FINALISED if after else Kind.REOPENED
        yield AuditEntry(
            record.history_date,
            record.history_user,
            KINDS[kind],
            str(record.commune.name),
            [],
            kind=kind,
            commune=str(record.commune.name),
        )


def _call_entries(call, filters):
    history = filters.history(Call.history.filter(id=call.pk), None).select_related("history_user")
    for previous, record in _versions(history):
        for name, kind in (
            ("published_at", Kind.CALL_PUBLISHED),
            ("results_published_at", Kind.RESULTS),
        ):
            if previous is None and kind == Kind.CALL_PUBLISHED:
                continue  # created published (demo data, imports): nobody published it
            before = getattr(previous, name) if previous else None
            if getattr(record, name) and not before:
                yield AuditEntry(
                    record.history_date,
                    record.history_user,
                    KINDS[kind],
                    record.title,
                    [],
                    kind=kind,
                )


def _jury_entries(call, filters):
    """The jury's opinions (auditions), marked with their kind and commune."""
    from auditions.selectors import jury_audit_entries

    for entry in jury_audit_entries(call):
        entry.kind = Kind.JURY
        entry.commune = entry.subject.rsplit("→", 1)[-1].strip()
        yield entry


def _question_entries(call, filters):
    """Questions asked to candidates and their answers (questions app), never the text."""
    from questions.selectors import audit_entries as question_entries

    for entry in question_entries(call):
        entry.kind = Kind.QUESTIONS
        entry.commune = entry.subject.rsplit("→", 1)[-1].strip()
        yield entry


def audit_entries(call, filters=None):
    """Every audited event of a call, newest first (at most 7 queries whatever the volume)."""
    filters = filters or AuditFilters()
    readers = (
        ("targets", _target_entries),
        ("reviews", _review_entries),
        ("participations", _participation_entries),
        ("call", _call_entries),
        ("jury", _jury_entries),
        ("questions", _question_entries),
    )
    entries = [
        entry
        for table, reader in readers
        if filters.reads(table)
        for entry in reader(call, filters)
        if filters.matches(entry)
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


CSV_HEADER = [
    _("Quand (heure de Paris)"),
    _("Qui"),
    _("Action"),
    _("Commune"),
    _("Sur"),
    _("Changements"),
]


def csv_rows(entries):
    """The entries as rows for the export (text neutralised by the export code)."""
    from django.utils import timezone

    for entry in entries:
        yield [
            timezone.localtime(entry.when).strftime("%Y-%m-%d %H:%M:%S"),
            entry.who_label,
            str(entry.action),
            entry.commune,
            entry.subject,
            " ; ".join(f"{label} : {old} → {new}" for label, old, new in entry.changes),
        ]
