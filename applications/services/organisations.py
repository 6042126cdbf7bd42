"""Organisations: creation, invitations, membership."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Organisation, OrganisationInvitation, OrganisationMembership
from applications.permissions.candidate import can_accept_invitation, can_manage_organisation
from notifications.services import queue_message


def duplicate_siret_message(existing):
    """What someone whose organisation is already registered can do: be invited by an owner.

    The owners' addresses are not shown: whoever types a SIRET is not yet a member."""
    return _(
        "Une organisation avec ce SIRET est déjà inscrite : « %(name)s ». Pour la rejoindre, "
        "demandez à sa ou son propriétaire (la personne de votre structure qui l'a inscrite) "
        "de vous inviter depuis la page de l'organisation, rubrique « Inviter un membre » : "
        "vous recevrez un lien par e-mail."
    ) % {"name": existing.name}


def _siret_taken(siret, exclude_pk=None):
    if not siret:
        return None
    return Organisation.objects.filter(siret=siret).exclude(pk=exclude_pk).first()


def _save_organisation(organisation):
    """Save; a SIRET registered at the same instant by someone else gets the same message."""
    taken = _siret_taken(organisation.siret, organisation.pk)
    if taken:
        raise ValidationError({"siret": duplicate_siret_message(taken)})
    organisation.full_clean()
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        taken = _siret_taken(organisation.siret, organisation.pk)
        if taken is None:
            raise
        raise ValidationError({"siret": duplicate_siret_message(taken)}) from None


@transaction.atomic
def create_organisation(*, user, **fields):
    """Create an organisation whose first member (owner) is ``user``."""
    organisation = Organisation(**fields)
    _save_organisation(organisation)
    OrganisationMembership.objects.create(
        organisation=organisation, user=user, role=OrganisationMembership.Role.OWNER
    )
    user.__dict__.pop("_qmi_roles", None)
    return organisation


@transaction.atomic
def update_organisation(*, organisation, user, **fields):
    if not can_manage_organisation(user, organisation):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(organisation, name, value)
    _save_organisation(organisation)
    if "name" in fields:
        from applications.services.search import index_organisation

        index_organisation(organisation)
    return organisation


@transaction.atomic
def invite_member(*, organisation, invited_by, email, role=OrganisationMembership.Role.MEMBER):
    """Queue an invitation e-mail holding a single-use link."""
    if not can_manage_organisation(invited_by, organisation):
        raise PermissionDenied
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("Cette personne est déjà membre de l'organisation.")})
    pending = organisation.invitations.pending().filter(email=email).first()
    if pending:
        raise ValidationError({"email": pending_invitation_message(pending)})
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + OrganisationInvitation.VALIDITY,
    )
    from accounts.models import User

    queue_message(
        recipient=User.objects.filter(email__iexact=email).first(),
        email=email,
        kind="organisation_invitation",
        about=invitation,
        context={
            "organisation": organisation.name,
            "inviter": invited_by.display_name,
            "url": settings.SITE_URL
            + reverse("applications:invitation_accept", kwargs={"token": invitation.token}),
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation


def pending_invitation_message(invitation):
    """A second invitation to the same address while the first is pending: say what to do."""
    from qmi.templatetags.qmi_tags import paris_datetime

    return _(
        "Une invitation envoyée à cette adresse attend déjà une réponse : la personne peut "
        "utiliser le lien reçu par e-mail jusqu'au %(until)s."
    ) % {"until": paris_datetime(invitation.expires_at)}


def pending_invitation(token):
    return (
        OrganisationInvitation.objects.pending()
        .select_related("organisation", "invited_by")
        .filter(token=token)
        .first()
    )


@transaction.atomic
def accept_invitation(*, token, user):
    """Make ``user`` a member; the link works once, until it expires, for the invited address."""
    invitation = (
        OrganisationInvitation.objects.pending().select_for_update().filter(token=token).first()
    )
    if invitation is None:
        raise ValidationError(_("Cette invitation n'est plus valable (déjà utilisée ou expirée)."))
    if not can_accept_invitation(user, invitation):
        raise ValidationError(
            _("Cette invitation a été envoyée à une autre adresse e-mail que la vôtre.")
        )
    membership, created = OrganisationMembership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    user.__dict__.pop("_qmi_roles", None)
    return membership


class MembershipError(ValidationError):
    """A change of members that would break a rule (e.g. leave no owner)."""


def _locked_memberships(organisation):
    """Lock the organisation's memberships: concurrent changes cannot leave it without owner."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    return OrganisationMembership.objects.select_for_update().filter(organisation=organisation)


def _owners(memberships):
    return [m for m in memberships if m.role == OrganisationMembership.Role.OWNER]


def _still_owner(memberships, user):
    """Under the lock, the acting person must still be an owner: the permission was
    asked before the lock, and another owner may have removed them meanwhile (two
    owners removing each other at once would otherwise leave no owner)."""
    if not any(m.user_id == user.pk for m in _owners(memberships)):
        raise MembershipError(_("Vous n'êtes plus propriétaire de cette organisation."))


@transaction.atomic
def remove_member(*, organisation, by, membership_id):
    """An owner removes a member (or another owner while one remains)."""
    if not can_manage_organisation(by, organisation):
        raise PermissionDenied
    memberships = list(_locked_memberships(organisation))
    _still_owner(memberships, by)
    target = next((m for m in memberships if m.pk == membership_id), None)
    if target is None:
        raise MembershipError(_("Cette personne n'est plus membre de l'organisation."))
    if target.user_id == by.pk:
        return leave_organisation(organisation=organisation, user=by)
    target.delete()
    target.user.__dict__.pop("_qmi_roles", None)
    return target


@transaction.atomic
def leave_organisation(*, organisation, user):
    """A member leaves; the last owner must first hand ownership to someone else."""
    memberships = list(_locked_memberships(organisation))
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    if mine is None:
        raise MembershipError(_("Vous n'êtes pas membre de cette organisation."))
    owners = _owners(memberships)
    if mine.role == OrganisationMembership.Role.OWNER and len(owners) == 1:
        raise MembershipError(
            _(
                "Vous êtes la seule personne propriétaire de l'organisation : transférez "
                "d'abord la propriété à un autre membre."
            )
        )
    mine.delete()
    user.__dict__.pop("_qmi_roles", None)
    return mine


@transaction.atomic
def transfer_ownership(*, organisation, by, membership_id):
    """An owner makes another member the owner and becomes a member."""
    if not can_manage_organisation(by, organisation):
        raise PermissionDenied
    memberships = list(_locked_memberships(organisation))
    _still_owner(memberships, by)
    target = next((m for m in memberships if m.pk == membership_id), None)
    mine = next((m for m in memberships if m.user_id == by.pk), None)
    if target is None or mine is None:
        raise MembershipError(_("Cette personne n'est plus membre de l'organisation."))
    if target.pk == mine.pk:
        raise MembershipError(_("Vous êtes déjà propriétaire de l'organisation."))
    target.role = OrganisationMembership.Role.OWNER
    target.save(update_fields=["role"])
    mine.role = OrganisationMembership.Role.MEMBER
    mine.save(update_fields=["role"])
    for person in (by, target.user):
        person.__dict__.pop("_qmi_roles", None)
    return target
