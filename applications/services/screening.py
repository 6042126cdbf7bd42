"""Eligibility screening by a commune's managers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import ApplicationTarget
from applications.permissions.staff import can_screen

Eligibility = ApplicationTarget.Eligibility


@transaction.atomic
def screen(*, user, target, eligibility, reason=""):
    """Mark a target eligible or ineligible; an ineligible one leaves the review
    queue and loses any decision (and its selection seat)."""
    if not can_screen(user, target):
        raise PermissionDenied
    if eligibility not in (Eligibility.ELIGIBLE, Eligibility.INELIGIBLE):
        raise ValidationError({"eligibility": _("Choisissez éligible ou non éligible.")})
    reason = (reason or "").strip()
    if eligibility == Eligibility.INELIGIBLE and not reason:
        raise ValidationError(
            {"reason": _("Indiquez le motif de non-éligibilité : le candidat le lira.")}
        )
    target = ApplicationTarget.objects.select_for_update().get(pk=target.pk)
    target.eligibility = eligibility
    target.eligibility_reason = reason
    target.screened_by = user
    target.screened_at = timezone.now()
    if eligibility == Eligibility.INELIGIBLE and target.decision:
        target.decision = ApplicationTarget.Decision.NONE
        target.decision_motivation = ""
        target.selection_slot = None
    target._history_user = user
    target.save()
    return target


@transaction.atomic
def screen_many(*, user, targets, eligibility, reason=""):
    """Screen several rows with one answer (bulk screening from the dashboard's
    selection). Each row is screened exactly as ``screen`` does it, in its own
    savepoint: same checks, same history record with its author. Rows the user may
    not screen (a conflict of interest, a locked selection) are skipped and
    returned, never changed. Returns (screened, skipped)."""
    if eligibility not in (Eligibility.ELIGIBLE, Eligibility.INELIGIBLE):
        raise ValidationError({"eligibility": _("Choisissez éligible ou non éligible.")})
    if eligibility == Eligibility.INELIGIBLE and not (reason or "").strip():
        raise ValidationError(
            {"reason": _("Indiquez le motif de non-éligibilité : le candidat le lira.")}
        )
    screened, skipped = [], []
    for target in targets:
        if not can_screen(user, target):
            skipped.append(target)
            continue
        screened.append(screen(user=user, target=target, eligibility=eligibility, reason=reason))
    return screened, skipped
