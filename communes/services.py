"""Commune teams: invitations by e-mail, acceptance, removal."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from communes.models import TeamInvitation, TeamMembership
from notifications.services import queue_message
from qmi.templatetags.qmi_tags import paris_datetime

INVALID_INVITATION = "Cette invitation n'est plus valable (déjà utilisée ou expirée)."


@transaction.atomic
def invite_team_member(*, commune, email, role, invited_by, now=None):
    """Record an invitation and queue its e-mail (sent after commit, through the outbox)."""
    now = now or timezone.now()
    email = email.strip().lower()
    if TeamMembership.objects.filter(commune=commune, user__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("Cette personne fait déjà partie de l'équipe de %(commune)s.")
                % {"commune": commune.name}
            }
        )
    pending = TeamInvitation.objects.pending(now).filter(commune=commune, email=email).first()
    if pending:
        raise ValidationError(
            {
                "email": _(
                    "Une invitation envoyée à cette adresse attend déjà une réponse (lien "
                    "valable jusqu'au %(until)s) : pour en envoyer une nouvelle, annulez "
                    "d'abord celle-ci dans la liste des invitations."
                )
                % {"until": paris_datetime(pending.expires_at)}
            }
        )
    invitation = TeamInvitation.objects.create(
        commune=commune,
        email=email,
        role=role,
        invited_by=invited_by,
        expires_at=now + TeamInvitation.VALIDITY,
    )
    queue_message(
        recipient=None,
        email=email,
        kind="team_invitation",
        about=invitation,
        context={
            "commune": commune.name,
            "role": invitation.get_role_display(),
            "role_code": role,
            "invited_by": invited_by.display_name if invited_by else "",
            "accept_url": settings.SITE_URL + invitation.get_absolute_url(),
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return invitation


def pending_invitation(token, now=None):
    return (
        TeamInvitation.objects.pending(now)
        .select_related("commune", "invited_by")
        .filter(token=token)
        .first()
    )


def account_exists(email):
    return User.objects.filter(email__iexact=email).exists()


@transaction.atomic
def accept_invitation(*, token, user, now=None):
    """Add ``user`` to the team; the invitation must be for the user's own address."""
    now = now or timezone.now()
    invitation = TeamInvitation.objects.pending(now).select_for_update().filter(token=token).first()
    if invitation is None:
        raise ValidationError(_(INVALID_INVITATION))
    if invitation.email != user.email.lower():
        raise ValidationError(
            _("Cette invitation a été envoyée à une autre adresse e-mail que la vôtre.")
        )
    membership, created = TeamMembership.objects.get_or_create(
        commune=invitation.commune, user=user, defaults={"role": invitation.role}
    )
    if not created and invitation.role == TeamMembership.Role.MANAGER:
        # An invitation never lowers a role, it may raise it.
        membership.role = TeamMembership.Role.MANAGER
        membership.save(update_fields=["role"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # The link reached this mailbox: the address is verified.
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    user.__dict__.pop("_qmi_roles", None)
    return membership


@transaction.atomic
def accept_invitation_with_new_account(*, token, full_name, password, language=None):
    """Create the invited person's account and add it to the team, in one transaction."""
    invitation = pending_invitation(token)
    if invitation is None:
        raise ValidationError(_(INVALID_INVITATION))
    if account_exists(invitation.email):
        raise ValidationError(_("Un compte existe déjà pour cette adresse : connectez-vous."))
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        full_name=full_name,
        preferred_language=language or settings.LANGUAGE_CODE,
    )
    membership = accept_invitation(token=token, user=user)
    return membership


@transaction.atomic
def remove_team_member(membership):
    membership.delete()


@transaction.atomic
def cancel_invitation(invitation, now=None):
    """An unused invitation stops working at once."""
    if invitation.accepted_at is None:
        invitation.expires_at = now or timezone.now()
        invitation.save(update_fields=["expires_at"])
