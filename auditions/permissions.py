"""Who may do what with shortlists, auditions and the jury.

Managers of the commune (and metropolis admins) manage the shortlist, the slots
and the jury; the whole team sees the schedule; the applicant organisation's
members book a slot or decline once invited. Another commune's staff reach none
of it: the views look rows up through the staff selectors (404 otherwise).
"""

from applications.models import ApplicationTarget
from applications.permissions.staff import (
    _acts_for_commune,
    _selection_open,
    can_view_participation,
    has_conflict,
    is_applicant_member,
)

__all__ = [
    "can_manage_auditions",
    "can_manage_slot",
    "can_respond_to_invitation",
    "can_shortlist",
    "can_view_auditions",
]


def can_view_auditions(user, participation):
    """The commune's team (and metropolis admins) see the shortlist, schedule and jury."""
    return can_view_participation(user, participation)


def can_manage_auditions(user, participation):
    """Managers of the commune, or a metropolis admin, until the selection is locked."""
    return _acts_for_commune(user, participation) and _selection_open(participation)


def can_manage_slot(user, slot):
    return can_manage_auditions(user, slot.participation)


def can_shortlist(user, target):
    """A manager shortlists (or removes) a submitted, not ineligible application of the
    commune, unless in a conflict of interest on it."""
    return (
        can_manage_auditions(user, target.participation)
        and target.application.is_submitted
        and target.eligibility != ApplicationTarget.Eligibility.INELIGIBLE
        and not has_conflict(user, target)
    )


def can_respond_to_invitation(user, entry):
    """A member of the applicant organisation books a slot or declines, once invited,
    while the commune's selection is open, as long as it has done neither."""
    target = entry.target
    if entry.invited_at is None or entry.declined_at is not None:
        return False
    if hasattr(entry, "booking"):
        return False
    if not _selection_open(target.participation) or not target.application.is_submitted:
        return False
    return is_applicant_member(user, target)
