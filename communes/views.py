"""Commune teams: back-office team page, invitation acceptance."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls.permissions import metropolis_admin_required
from communes import selectors, services
from communes.forms import InvitationSignupForm, TeamInvitationForm
from communes.models import Commune, TeamInvitation, TeamMembership
from qmi.ratelimits import TOO_MANY_MAILS, allow_mail_to_unconfirmed


@metropolis_admin_required
def team(request, pk):
    commune = get_object_or_404(Commune, pk=pk)
    form = TeamInvitationForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and not allow_mail_to_unconfirmed(request, form.cleaned_data["email"])
    ):
        form.add_error(None, TOO_MANY_MAILS)
    elif request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_team_member(
                commune=commune, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s.") % {"email": invitation.email},
            )
            return redirect("communes:team", pk=commune.pk)
    members, invitations = selectors.commune_team(commune)
    return render(
        request,
        "communes/backoffice/team.html",
        {"commune": commune, "form": form, "members": members, "invitations": invitations},
        status=400 if form.errors else 200,
    )


@metropolis_admin_required
@require_POST
def member_remove(request, pk, membership_pk):
    membership = get_object_or_404(TeamMembership, pk=membership_pk, commune_id=pk)
    services.remove_team_member(membership)
    messages.success(
        request, _("%(person)s ne fait plus partie de l'équipe.") % {"person": membership.user}
    )
    return redirect("communes:team", pk=pk)


@metropolis_admin_required
@require_POST
def invitation_cancel(request, pk, invitation_pk):
    invitation = get_object_or_404(TeamInvitation, pk=invitation_pk, commune_id=pk)
    services.cancel_invitation(invitation)
    messages.success(
        request, _("L'invitation de %(email)s est annulée.") % {"email": invitation.email}
    )
    return redirect("communes:team", pk=pk)


def _after_acceptance():
    return reverse("staff:home")


def invitation_accept(request, token):
    """Logged in with the invited address: confirm. Otherwise log in, or create the account."""
    invitation = services.pending_invitation(token)
    if invitation is None:
        return render(request, "communes/invitation_invalid.html", status=404)
    context = {"invitation": invitation}
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email:
            return render(request, "communes/invitation_wrong_account.html", context, status=403)
        if request.method == "POST":
            membership = services.accept_invitation(token=token, user=user)
            messages.success(
                request,
                _("Vous faites partie de l'équipe de %(commune)s.")
                % {"commune": membership.commune.name},
            )
            return redirect(_after_acceptance())
        return render(request, "communes/invitation_accept.html", context)
    if services.account_exists(invitation.email):
        context["login_url"] = f"{reverse('account_login')}?next={request.path}"
        return render(request, "communes/invitation_login.html", context)
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.accept_invitation_with_new_account(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                language=get_language(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Votre compte est créé ; vous faites partie de l'équipe de %(commune)s.")
                % {"commune": membership.commune.name},
            )
            return redirect(_after_acceptance())
    context["form"] = form
    return render(
        request, "communes/invitation_signup.html", context, status=400 if form.errors else 200
    )
