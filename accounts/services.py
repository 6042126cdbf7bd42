"""Account deletion by its owner: refused while it would orphan work, else erased."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.models import User


def deletion_blockers(user):
    """Organisations the user alone owns and that hold a submitted application or a live pilot.

    They must hand ownership to another member first (or the organisation
    would be left with no one to answer for its applications and pilots).
    """
    from applications.models import Application, Organisation, OrganisationMembership
    from experimentations.models import Pilot

    owner = OrganisationMembership.Role.OWNER
    owned_ids = OrganisationMembership.objects.filter(user=user, role=owner).values("organisation")
    sole = (
        Organisation.objects.filter(pk__in=owned_ids)
        .annotate(owners=Count("memberships", filter=Q(memberships__role=owner)))
        .filter(owners=1)
    )
    live_pilots = Pilot.objects.filter(
        state__in=[Pilot.State.PREPARING, Pilot.State.RUNNING]
    ).values("application__organisation")
    submitted = Application.objects.exclude(state=Application.State.DRAFT).values("organisation")
    return list(
        sole.filter(Q(pk__in=submitted) | Q(pk__in=live_pilots)).distinct().order_by("name")
    )


def _protected_work(user):
    """Reviews and team notes stay with the commune's record of its selection."""
    from applications.models import Review, TeamNote

    return (
        Review.objects.filter(reviewer=user).exists()
        or TeamNote.objects.filter(author=user).exists()
    )


@transaction.atomic
def delete_account(user, record=True):
    """Delete the account and what only it holds; what must stay stays without the person.

    - organisations where the person is the only member: deleted with their drafts
      (they cannot hold a submitted application: that is a blocker);
    - other organisations: the person leaves; if they were the only owner, the
      longest-standing member becomes owner;
    - their contact details are removed from organisations that show them;
    - their alerts, messages, invitations, sessions and second factors are deleted;
    - a staff member's reviews and notes stay, signed "compte supprimé".
    """
    from applications.models import (
        Application,
        Organisation,
        OrganisationInvitation,
        OrganisationMembership,
    )
    from communes.models import TeamInvitation, TeamMembership
    from notifications.models import AlertSubscription, OutboxMessage
    from privacy.models import PurgeRecord
    from privacy.services.erasure import delete_applications

    user = User.objects.select_for_update().get(pk=user.pk)
    if deletion_blockers(user):
        raise ValidationError(
            _(
                "Vous êtes la seule personne propriétaire d'une organisation qui a déposé une "
                "candidature ou mène une expérimentation : transférez d'abord la propriété."
            )
        )
    email = user.email
    for membership in (
        OrganisationMembership.objects.select_for_update()
        .filter(user=user)
        .select_related("organisation")
    ):
        organisation = membership.organisation
        others = organisation.memberships.exclude(user=user).order_by("created_at", "pk")
        if not others.exists():
            delete_applications(organisation.applications.filter(state=Application.State.DRAFT))
            if not organisation.applications.exists():
                organisation.delete()
                continue
        elif (
            membership.role == OrganisationMembership.Role.OWNER
            and not others.filter(role=OrganisationMembership.Role.OWNER).exists()
        ):
            heir = others.first()
            heir.role = OrganisationMembership.Role.OWNER
            heir.save(update_fields=["role"])
        membership.delete()
    Organisation.objects.filter(contact_email__iexact=email).update(
        contact_name="", contact_email="", contact_phone=""
    )
    AlertSubscription.objects.filter(email__iexact=email).delete()
    OutboxMessage.objects.filter(Q(recipient=user) | Q(recipient_email__iexact=email)).delete()
    OrganisationInvitation.objects.filter(email__iexact=email).delete()
    TeamInvitation.objects.filter(email__iexact=email).delete()
    for user_session in UserSession.objects.filter(user=user):
        user_session.end()

    if _protected_work(user):
        # Reviews and notes are the commune's record: keep the row, erase the person.
        TeamMembership.objects.filter(user=user).delete()
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        user.email = f"compte-supprime-{user.pk}@invalid"
        user.full_name = ""
        user.first_name = user.last_name = ""
        user.is_active = user.is_staff = user.is_superuser = user.is_metropolis_admin = False
        user.set_unusable_password()
        user.save()
    else:
        for export in user.data_exports.all():
            if export.file:
                export.file.delete(save=False)
        user.delete()
    if record:  # the retention task records its own counts
        PurgeRecord.objects.create(kind=PurgeRecord.Kind.ACCOUNT_DELETED, count=1)
