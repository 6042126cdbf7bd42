"""Candidate side: organisation members and their applications.

Which applications a user may *see* is answered by
``Application.objects.visible_to(user)``; these functions answer what a
user may *do* with an application or organisation they can see.
"""

from django.utils import timezone

from applications.models import Application, OrganisationMembership

__all__ = [
    "is_member",
    "can_manage_organisation",
    "can_accept_invitation",
    "can_edit_application",
    "can_submit_application",
    "can_withdraw_application",
    "is_editable",
]


def is_member(user, organisation):
    if not user.is_authenticated:
        return False
    return OrganisationMembership.objects.filter(organisation=organisation, user=user).exists()


def can_manage_organisation(user, organisation):
    """Owners edit the organisation and invite members."""
    if not user.is_authenticated:
        return False
    return OrganisationMembership.objects.filter(
        organisation=organisation, user=user, role=OrganisationMembership.Role.OWNER
    ).exists()


def can_accept_invitation(user, invitation):
    """Only the invited address may accept: holding the link proves nothing."""
    return user.is_authenticated and invitation.email.casefold() == user.email.casefold()


def is_editable(application, now=None):
    """A draft or a submitted application, while its call is open (by anyone allowed)."""
    return application.state != Application.State.WITHDRAWN and application.call.is_open(
        now or timezone.now()
    )


def can_edit_application(user, application, now=None):
    """Members edit a draft or a submitted application while the call is open."""
    return is_editable(application, now) and is_member(user, application.organisation_id)


def can_submit_application(user, application, now=None):
    return application.state == Application.State.DRAFT and can_edit_application(
        user, application, now
    )


def can_withdraw_application(user, application):
    return (
        application.state == Application.State.SUBMITTED
        and not application.call.results_published
        and is_member(user, application.organisation_id)
    )
