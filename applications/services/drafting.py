"""Drafting: starting an application, saving a step, completeness, change history."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, ApplicationRevision, Attachment, Review, TeamNote
from applications.permissions.candidate import can_edit_application, is_member
from notifications.services import queue_message


@dataclass(frozen=True)
class Step:
    slug: str
    label: str


STEPS = [
    Step("communes", gettext_lazy("Communes et défis")),
    Step("projet", gettext_lazy("Le projet")),
    Step("experimentation", gettext_lazy("L'expérimentation")),
    Step("impact", gettext_lazy("Impact et équipe")),
    Step("budget", gettext_lazy("Budget")),
    Step("pieces", gettext_lazy("Pièces jointes")),
    Step("validation", gettext_lazy("Validation et dépôt")),
]
STEP_SLUGS = [step.slug for step in STEPS]

PROJECT_FIELDS = ["title", "summary", "solution", "novelty", "maturity"]
IMPACT_FIELDS = ["impact", "impact_measurement", "team"]
BUDGET_FIELDS = ["budget_cost", "budget_funding", "budget_ask"]
EXPERIMENT_FIELDS = [
    "experiment_what",
    "experiment_where",
    "experiment_duration_months",
    "experiment_ask",
    "experiment_users",
]
CONTENT_FIELDS = PROJECT_FIELDS + IMPACT_FIELDS + BUDGET_FIELDS


class DraftConflict(Exception):
    """Another member saved the application since this form was loaded."""

    def __init__(self, current):
        self.current = current
        super().__init__("version conflict")


class CallClosed(ValidationError):
    pass


def next_step(slug):
    index = STEP_SLUGS.index(slug)
    return STEP_SLUGS[index + 1] if index + 1 < len(STEP_SLUGS) else None


def _filled(value):
    return value not in (None, "")


def missing_by_step(application):
    """{step slug: [what is missing]}; uses prefetched targets and attachments if present."""
    targets = list(application.targets.all())
    missing = {slug: [] for slug in STEP_SLUGS}
    if not targets:
        missing["communes"].append(_("au moins une commune ciblée"))
    for name in PROJECT_FIELDS:
        if not _filled(getattr(application, name)):
            missing["projet"].append(Application._meta.get_field(name).verbose_name)
    if not targets:
        missing["experimentation"].append(_("choisissez d'abord les communes"))
    for target in targets:
        if not all(_filled(getattr(target, name)) for name in EXPERIMENT_FIELDS):
            missing["experimentation"].append(
                _("l'expérimentation proposée à %(commune)s")
                % {"commune": target.participation.commune.name}
            )
    for name in IMPACT_FIELDS + BUDGET_FIELDS:
        if not _filled(getattr(application, name)):
            step = "impact" if name in IMPACT_FIELDS else "budget"
            missing[step].append(Application._meta.get_field(name).verbose_name)
    attachments = list(application.attachments.all())
    if not any(a.kind == Attachment.Kind.PITCH_DECK for a in attachments):
        missing["pieces"].append(_("la présentation (pitch deck) en PDF"))
    provided = {a.document_type_id for a in attachments}
    for document in application.call.document_types.all():
        if document.pk not in provided:
            missing["pieces"].append(_("la pièce « %(name)s »") % {"name": document.name})
    if not application.accepted_rules_at:
        missing["validation"].append(_("l'acceptation du règlement de l'appel"))
    if not application.accepted_privacy_at:
        missing["validation"].append(_("l'acceptation de la politique de confidentialité"))
    return missing


def checklist(application):
    """[(step, missing list)] in step order, for the progress indicator."""
    missing = missing_by_step(application)
    return [(step, missing[step.slug]) for step in STEPS]


def is_complete(application):
    return not any(missing_by_step(application).values())


def completed_steps(application):
    return sum(1 for missing in missing_by_step(application).values() if not missing)


@transaction.atomic
def start_application(*, call, organisation, user, now=None):
    """The organisation's application to the call: created once, found afterwards."""
    if not is_member(user, organisation):
        raise PermissionDenied
    existing = Application.objects.filter(call=call, organisation=organisation).first()
    if existing:
        return existing, False
    if not call.is_open(now or timezone.now()):
        raise CallClosed(_("Cet appel à projets n'est pas ouvert aux candidatures."))
    application, created = Application.objects.get_or_create(
        call=call,
        organisation=organisation,
        defaults={"created_by": user, "updated_by": user},
    )
    return application, created


def snapshot(application):
    """The content of an application as plain data, for revisions."""
    return {
        **{name: getattr(application, name) for name in CONTENT_FIELDS},
        "challenges": sorted(application.challenges.values_list("title", flat=True)),
        "targets": [
            {
                "commune": target.participation.commune.name,
                **{name: getattr(target, name) for name in EXPERIMENT_FIELDS},
            }
            for target in application.targets.select_related("participation__commune")
        ],
        "attachments": [
            {"name": a.original_name, "kind": a.kind, "sha256": a.sha256}
            for a in application.attachments.order_by("pk")
        ],
    }


def record_revision(application, user):
    """Store a revision of a submitted application (and tell the members) if it changed."""
    from applications.services.search import index_application

    index_application(application)
    content = snapshot(application)
    last = application.revisions.order_by("-number").first()
    if last is not None and last.content == content:
        return None
    number = (application.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = ApplicationRevision.objects.create(
        application=application, number=number, content=content, author=user
    )
    if number > 1:
        for membership in application.organisation.memberships.select_related("user"):
            queue_message(
                recipient=membership.user,
                kind="application_changed",
                about=application,
                occasion=f"revision-{number}",
                context={
                    "reference": application.reference,
                    "title": application.title,
                    "call": application.call.title,
                    "author": user.display_name if user else "",
                    "revision": number,
                },
            )
    return revision


def lock_for_edit(*, application, user, expected_version=None, now=None):
    """Lock the row, check permission, deadline and version; bump the version.

    The version check is a compare-and-set UPDATE, atomic on every database:
    of two members saving from the same version, exactly one wins.
    """
    now = now or timezone.now()
    locked = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if not is_member(user, locked.organisation_id):
        raise PermissionDenied
    if not can_edit_application(user, locked, now):
        raise CallClosed(
            _("L'appel est clos ou la candidature n'est plus modifiable : rien n'a été modifié.")
        )
    query = Application.objects.filter(pk=locked.pk)
    if expected_version is not None:
        # One's own autosave landing just before one's click is no conflict.
        query = query.filter(Q(version=expected_version) | Q(updated_by=user))
    if not query.update(version=F("version") + 1, updated_by=user, updated_at=now):
        raise DraftConflict(locked)
    locked.refresh_from_db()
    return locked


def save_step(*, application, user, step, changes, expected_version, now=None):
    """Write a step's validated ``changes``; return the saved application.

    ``changes`` is the step form's cleaned data (for the experiments, one dict
    per target id): forms validate, this writes.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_for_edit(
            application=application, user=user, expected_version=expected_version, now=now
        )
        apply_step(locked, step, changes, now)
        locked.save()
        if locked.state == Application.State.SUBMITTED:
            record_revision(locked, user)
    return locked


def apply_step(application, step, changes, now):
    """Set a step's answers on a locked application (saved by the caller)."""
    if step == "communes":
        set_targets(application, changes["participations"], now)
        application.challenges.set(changes["challenges"])
    elif step == "experimentation":
        set_experiments(application, changes)
    elif step == "validation":
        application.accepted_rules_at = (
            (application.accepted_rules_at or now) if changes["accept_rules"] else None
        )
        application.accepted_privacy_at = (
            (application.accepted_privacy_at or now) if changes["accept_privacy"] else None
        )
    else:
        fields = {"projet": PROJECT_FIELDS, "impact": IMPACT_FIELDS, "budget": BUDGET_FIELDS}[step]
        for name in fields:
            setattr(application, name, changes[name])


def set_experiments(application, experiments):
    """``experiments``: {target id: experiment fields}, for the application's own targets.

    Only the experiment fields are written: screening and decisions stay untouched.
    """
    from applications.models import ApplicationTarget

    for target_id, fields in experiments.items():
        ApplicationTarget.objects.filter(pk=target_id, application=application).update(
            **{name: fields[name] for name in EXPERIMENT_FIELDS}
        )


def set_targets(application, participations, now):
    """Make ``participations`` the communes the application targets.

    An unticked commune whose team has started (screening, a review, a note, a
    decision) is withdrawn, not deleted: nothing a candidate does erases that
    work, and ticking the commune again brings the target back as it was.
    """
    from applications.models import ApplicationTarget

    chosen = {participation.pk for participation in participations}
    targets = ApplicationTarget.with_withdrawn.filter(application=application).annotate(
        team_work=Exists(Review.objects.filter(target=OuterRef("pk")))
        | Exists(TeamNote.objects.filter(target=OuterRef("pk")))
    )
    existing = {}
    for target in targets:
        existing[target.participation_id] = target
        if target.participation_id in chosen:
            if target.withdrawn_at is not None:
                target.withdrawn_at = None
                target.save(update_fields=["withdrawn_at"])
        elif target.withdrawn_at is None:
            started = (
                target.team_work
                or target.screened_at is not None
                or target.decision
                or target.selection_slot is not None
            )
            if started:
                target.withdrawn_at = now
                target.save(update_fields=["withdrawn_at"])
            else:
                target.delete()
    ApplicationTarget.objects.bulk_create(
        ApplicationTarget(
            application=application,
            participation_id=pk,
            submitted=application.is_submitted,
            application_reference=application.reference,
        )
        for pk in chosen - set(existing)
    )
