"""Who may do what with pilots and surveys: every question has one answer here.

Which pilots a user may *see* in full is answered by
``Pilot.objects.visible_to(user)``; these functions answer what a user may
*do* with a pilot they can see. The public (and other organisations) only
ever see the public fields through ``selectors.public_pilot_states``.
"""

from accounts.roles import roles_of
from applications.models import OrganisationMembership

__all__ = [
    "can_access_board",
    "can_assign_officer",
    "can_edit_pilot",
    "can_file_report",
    "can_file_reports",
    "can_manage_surveys",
    "can_record_outcome",
    "can_view_pilot",
    "is_officer_of",
    "is_pilot_member",
]


def is_pilot_member(user, pilot):
    """A member of the laureate's organisation (the expérimentateur)."""
    if not user.is_authenticated:
        return False
    return OrganisationMembership.objects.filter(
        organisation_id=pilot.application.organisation_id, user=user
    ).exists()


def is_officer_of(user, pilot):
    return user.is_authenticated and pilot.officer_id == user.pk


def can_view_pilot(user, pilot):
    roles = roles_of(user)
    if not roles.is_authenticated:
        return False
    return (
        roles.is_metropolis_admin
        or is_officer_of(user, pilot)
        or pilot.participation.commune_id in roles.staff_communes
        or is_pilot_member(user, pilot)
    )


def can_access_board(user):
    """The pilots board: commune teams, programme officers and metropolis admins."""
    roles = roles_of(user)
    if not roles.is_authenticated:
        return False
    return roles.is_metropolis_admin or roles.is_commune_staff or user.followed_pilots.exists()


def can_edit_pilot(user, pilot):
    """State, dates, place, commune contact and milestones: its officer and admins."""
    return roles_of(user).is_metropolis_admin or is_officer_of(user, pilot)


def can_record_outcome(user, pilot):
    return can_edit_pilot(user, pilot)


def can_assign_officer(user, pilot=None):
    return roles_of(user).is_metropolis_admin


def can_file_reports(user, pilot):
    """The laureate's members write the reports of a pilot that is not abandoned."""
    return pilot.state != pilot.State.ABANDONED and is_pilot_member(user, pilot)


def can_file_report(user, report):
    return can_file_reports(user, report.pilot)


def can_manage_surveys(user):
    return roles_of(user).is_metropolis_admin
