"""ProConnect (OpenID Connect) for commune and metropolis agents.

An agent's ProConnect identity is matched to an account by its e-mail
address (ProConnect's addresses are those of the agents' administrations,
checked by their identity providers). Nobody gets an account through
ProConnect unless a commune team invited that address; people who are
neither staff nor invited log in with their password, as before.
"""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.roles import roles_of


def invited_to_a_team(email):
    from communes.models import TeamInvitation

    return bool(email) and TeamInvitation.objects.pending().filter(email__iexact=email).exists()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return invited_to_a_team(sociallogin.user.email)

    def pre_social_login(self, request, sociallogin):
        """Only staff (or people a team invited) log in through ProConnect."""
        from accounts.models import User

        email = (sociallogin.user.email or "").strip().lower()
        user = sociallogin.user if sociallogin.is_existing else None
        if user is None and email:
            user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is not None:
            roles = roles_of(user)
            if roles.is_commune_staff or roles.is_metropolis_admin or user.is_staff:
                return
        if invited_to_a_team(email):
            return
        messages.error(
            request,
            _(
                "ProConnect est réservé aux agents des communes et de la Métropole invités sur "
                "la plateforme. Connectez-vous avec votre adresse e-mail et votre mot de passe."
            ),
        )
        raise ImmediateHttpResponse(redirect("account_login"))
