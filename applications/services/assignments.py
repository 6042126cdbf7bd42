"""Assignments of applications to a commune's reviewers, and reminders before the
review deadline the manager sets.

Conflicts are respected: nobody is assigned an application on which they declared
a conflict of interest, nor one of an organisation they belong to.
"""

import datetime
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from applications.models import (
    Application,
    ApplicationTarget,
    OrganisationMembership,
    Review,
    ReviewAssignment,
)
from applications.permissions.staff import can_assign
from calls.models import Participation

# Reminders to reviewers with pending assignments, this long before the deadline.
REMINDER_OFFSETS = (datetime.timedelta(days=3), datetime.timedelta(days=1))


def team_members(participation):
    """The commune's team (reviewers and managers), in a stable order."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(team_memberships__commune_id=participation.commune_id)
        .order_by("pk")
    )


def in_review(participation):
    """Rows that need reviews: submitted, not ineligible."""
    return ApplicationTarget.objects.filter(
        participation=participation, application__state=Application.State.SUBMITTED
    ).exclude(eligibility=ApplicationTarget.Eligibility.INELIGIBLE)


def conflicted_pairs(participation):
    """{(target id, user id)} that must never be assigned: declared conflicts and
    membership of the applicant organisation."""
    declared = Review.objects.filter(
        target__participation=participation, conflict_of_interest=True
    ).values_list("target_id", "reviewer_id")
    members = OrganisationMembership.objects.filter(
        organisation__applications__targets__participation=participation
    ).values_list("organisation__applications__targets", "user_id")
    return set(declared) | set(members)


def _check(user, participation):
    if not can_assign(user, participation):
        raise PermissionDenied


def _reviewer(participation, reviewer_id):
    for member in team_members(participation):
        if str(member.pk) == str(reviewer_id):
            return member
    raise ValidationError({"reviewer": _("Choisissez un membre de l’équipe de la commune.")})


@transaction.atomic
def assign(*, user, participation, targets, reviewer_id):
    """Assign a reviewer to one or several rows of the commune. Returns
    (number created, rows skipped because of a conflict)."""
    _check(user, participation)
    reviewer = _reviewer(participation, reviewer_id)
    conflicts = conflicted_pairs(participation)
    created, skipped = 0, []
    for target in targets:
        if target.participation_id != participation.pk:
            raise PermissionDenied
        if (target.pk, reviewer.pk) in conflicts:
            skipped.append(target)
            continue
        _assignment, new = ReviewAssignment.objects.get_or_create(
            target=target, reviewer=reviewer, defaults={"assigned_by": user}
        )
        created += new
    return created, skipped


@transaction.atomic
def unassign(*, user, target, reviewer_id):
    _check(user, target.participation)
    ReviewAssignment.objects.filter(target=target, reviewer_id=reviewer_id).delete()


@transaction.atomic
def spread_evenly(*, user, participation, per_application):
    """Give every row in review ``per_application`` reviewers, each time the least
    loaded team member without a conflict. Existing assignments are kept.
    Returns (number created, number of rows left short for lack of reviewers)."""
    _check(user, participation)
    members = team_members(participation)
    try:
        per_application = int(per_application)
    except (TypeError, ValueError):
        per_application = 0
    if not 1 <= per_application <= max(len(members), 1):
        raise ValidationError(
            {
                "per_application": _("Choisissez entre 1 et %(max)d évaluateurs par candidature.")
                % {"max": max(len(members), 1)}
            }
        )
    # One spread at a time per commune.
    Participation.objects.select_for_update(of=("self",)).get(pk=participation.pk)
    existing = {}
    load = Counter()
    for target_id, reviewer_id in ReviewAssignment.objects.filter(
        target__in=in_review(participation)
    ).values_list("target_id", "reviewer_id"):
        existing.setdefault(target_id, set()).add(reviewer_id)
        load[reviewer_id] += 1
    conflicts = conflicted_pairs(participation)
    new, short = [], 0
    for target in in_review(participation).order_by("application__reference"):
        have = existing.get(target.pk, set())
        need = per_application - len(have)
        if need <= 0:
            continue
        candidates = [m for m in members if m.pk not in have and (target.pk, m.pk) not in conflicts]
        candidates.sort(key=lambda m: (load[m.pk], m.pk))
        for member in candidates[:need]:
            new.append(ReviewAssignment(target=target, reviewer=member, assigned_by=user))
            load[member.pk] += 1
        short += need > len(candidates)
    ReviewAssignment.objects.bulk_create(new)
    return len(new), short


@transaction.atomic
def set_review_deadline(*, user, participation, deadline):
    _check(user, participation)
    participation.review_deadline = deadline
    participation.save(update_fields=["review_deadline"])
    return participation


def pending_assignments(participation):
    """{reviewer: number of assigned rows they have not reviewed yet}."""
    done = Review.objects.filter(target=OuterRef("target"), reviewer=OuterRef("reviewer")).exclude(
        state=Review.State.DRAFT, conflict_of_interest=False
    )
    pending = Counter()
    users = {}
    for assignment in (
        ReviewAssignment.objects.filter(target__in=in_review(participation))
        .exclude(Exists(done))
        .select_related("reviewer")
    ):
        pending[assignment.reviewer_id] += 1
        users[assignment.reviewer_id] = assignment.reviewer
    return {users[pk]: count for pk, count in pending.items()}


def reminder_offset(deadline, now):
    """The offset whose reminder is due now (the closest passed one), or None."""
    if deadline is None or now >= deadline:
        return None
    passed = [offset for offset in REMINDER_OFFSETS if now >= deadline - offset]
    return min(passed) if passed else None


def queue_assignment_reminders(now):
    """Remind reviewers with pending assignments before the commune's review
    deadline, once per offset (the outbox key makes a second run harmless)."""
    from notifications.services.outbox import queue_message
    from notifications.services.scheduling import muted_emails, site_url
    from qmi.dates import paris_datetime

    queued = 0
    horizon = now + max(REMINDER_OFFSETS)
    participations = Participation.objects.filter(
        review_deadline__gt=now,
        review_deadline__lte=horizon,
        selection_finalised_at__isnull=True,
        call__results_published_at__isnull=True,
    ).select_related("call", "commune")
    for participation in participations:
        offset = reminder_offset(participation.review_deadline, now)
        if offset is None:
            continue
        muted = muted_emails(participation.call)
        url = site_url("staff:dashboard", participation_id=participation.pk) + "?assigned=me"
        for user, count in pending_assignments(participation).items():
            if user.email in muted:
                continue
            _message, created = queue_message(
                recipient=user,
                kind="assignment_reminder",
                about=participation,
                occasion=(f"assignments-{participation.review_deadline:%Y%m%d%H%M}-{offset.days}d"),
                context={
                    "call_title": participation.call.title,
                    "commune": participation.commune.name,
                    "count": count,
                    "deadline": paris_datetime(participation.review_deadline),
                    "url": url,
                },
            )
            queued += created
    return queued
