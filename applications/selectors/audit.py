"""The audit log, read from django-simple-history's tables.

Screenings and decisions (ApplicationTarget), submitted reviews and declared
conflicts (Review), finalisations and reopenings (Participation), publications
(Call): one query per table, diffs computed between consecutive versions.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from applications.models import ApplicationTarget, Review
from calls.models import Call, Participation


@dataclass
class AuditEntry:
    when: datetime
    who: object
    action: str
    subject: str
    changes: list = field(default_factory=list)  # [(label, old, new)]


TARGET_FIELDS = ["eligibility", "eligibility_reason", "decision", "decision_motivation"]
REVIEW_FIELDS = ["state", "recommendation", "comment", "conflict_of_interest", "conflict_reason"]


def _versions(history_qs, key="id"):
    """Yield (previous or None, record) for each version, oldest first per object."""
    previous = {}
    for record in history_qs.order_by(key, "history_date", "history_id"):
        yield previous.get(getattr(record, key)), record
        previous[getattr(record, key)] = record


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def _display(model, name, value):
    field_ = model._meta.get_field(name)
    if field_.choices:
        return str(dict(field_.flatchoices).get(value, value)) or "—"
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    return value if value not in (None, "") else "—"


def _changes(model, names, previous, record):
    changes = []
    for name in names:
        old = getattr(previous, name) if previous else None
        new = getattr(record, name)
        if previous is None and new in ("", None, False):
            continue
        if old != new:
            changes.append(
                (
                    _label(model, name),
                    _display(model, name, old) if previous else "—",
                    _display(model, name, new),
                )
            )
    return changes


def _target_entries(call):
    history = ApplicationTarget.history.filter(participation__call=call).select_related(
        "history_user", "application", "participation__commune"
    )
    for previous, record in _versions(history):
        changes = _changes(ApplicationTarget, TARGET_FIELDS, previous, record)
        names = {c[0] for c in changes}
        if not changes:
            continue
        decided = {
            _label(ApplicationTarget, "decision"),
            _label(ApplicationTarget, "decision_motivation"),
        }
        action = _("décision") if names & decided else _("examen d'éligibilité")
        yield AuditEntry(
            record.history_date,
            record.history_user,
            action,
            f"{record.application.reference} → {record.participation.commune.name}",
            changes,
        )


def _review_entries(call):
    history = Review.history.filter(target__participation__call=call).select_related(
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
            action = _("conflit d'intérêts déclaré")
        elif submitted:
            action = _("évaluation soumise")
        else:
            action = _("évaluation soumise modifiée")
        yield AuditEntry(
            record.history_date,
            record.history_user,
            action,
            f"{record.target.application.reference} → {record.target.participation.commune.name}"
            f" ({record.reviewer})",
            changes,
        )


def _score_changes(previous, record):
    """(criterion, old score, new score) for each score that changed between versions."""
    old = (previous.score_snapshot or {}) if previous else {}
    new = record.score_snapshot or {}
    return [
        (name, old.get(name, "—"), new.get(name, "—"))
        for name in sorted(set(old) | set(new))
        if old.get(name) != new.get(name)
    ]


def _participation_entries(call):
    history = Participation.history.filter(call=call).select_related("history_user", "commune")
    for previous, record in _versions(history):
        before = previous.selection_finalised_at if previous else None
        after = record.selection_finalised_at
        if bool(before) == bool(after):
            continue
        yield AuditEntry(
            record.history_date,
            record.history_user,
            _("sélection finalisée") if after else _("sélection rouverte"),
            str(record.commune.name),
            [],
        )


def _call_entries(call):
    history = Call.history.filter(id=call.pk).select_related("history_user")
    for previous, record in _versions(history):
        before = previous.results_published_at if previous else None
        if record.results_published_at and not before:
            yield AuditEntry(
                record.history_date,
                record.history_user,
                _("résultats publiés"),
                record.title,
                [],
            )


def audit_entries(call):
    """Every audited event of a call, newest first (7 queries whatever the volume)."""
    from auditions.selectors import jury_audit_entries
    from questions.selectors import audit_entries as question_entries

    entries = [
        *_target_entries(call),
        *_review_entries(call),
        *_participation_entries(call),
        *_call_entries(call),
        *jury_audit_entries(call),
        *question_entries(call),
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
