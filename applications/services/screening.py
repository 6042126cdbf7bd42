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
