"""Shortlist, audition schedule and jury (commune teams); booking or declining (candidates).

Every row is looked up through the staff or member selectors: another commune's
ids, or another organisation's, give 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.models import User
from applications.selectors import staff as staff_selectors
from applications.views.staff import staff_required
from auditions import ics, selectors, services
from auditions.forms import BookingForm, DeclineForm, JurySessionForm, OpinionForm, SlotForm
from auditions.permissions import (
    can_manage_auditions,
    can_manage_slot,
    can_respond_to_invitation,
    can_shortlist,
    can_view_auditions,
)
from qmi.forms import apply_service_errors
from qmi.permissions import logged_in, rule

# -- commune teams -----------------------------------------------------------------


PARTICIPATION = ("participation_id", staff_selectors.get_participation)


def _schedule_page(request, participation, slot_form=None, status=200):
    can_manage = can_manage_auditions(request.user, participation)
    return render(
        request,
        "auditions/staff/schedule.html",
        {
            "participation": participation,
            "call": participation.call,
            "entries": selectors.shortlist(participation),
            "slots": selectors.schedule(participation),
            "can_manage": can_manage,
            "slot_form": slot_form or (SlotForm() if can_manage else None),
        },
        status=status,
    )


@staff_required
@rule(can_view_auditions, participation=PARTICIPATION)
def schedule(request, participation):
    return _schedule_page(request, participation)


def _back_to_schedule(participation):
    return redirect("auditions:schedule", participation_id=participation.pk)


@require_POST
@staff_required
@rule(can_manage_auditions, participation=PARTICIPATION)
def add_slot(request, participation):
    form = SlotForm(request.POST)
    if form.is_valid():
        try:
            services.create_slot(
                user=request.user, participation=participation, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Créneau ajouté."))
            return _back_to_schedule(participation)
    return _schedule_page(request, participation, slot_form=form, status=400)


@require_POST
@staff_required
@rule(can_manage_slot, slot=("slot_id", selectors.get_slot))
def delete_slot(request, slot):
    try:
        services.delete_slot(user=request.user, slot=slot)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Créneau supprimé."))
    return _back_to_schedule(slot.participation)


@require_POST
@staff_required
@rule(can_manage_auditions, participation=PARTICIPATION)
def invite(request, participation):
    try:
        count = services.invite_shortlisted(user=request.user, participation=participation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d entreprise invitée à réserver un créneau.",
                    "%(count)d entreprises invitées à réserver un créneau.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(
                request, _("Toutes les candidatures présélectionnées sont déjà invitées.")
            )
    return _back_to_schedule(participation)


@require_POST
@staff_required
@rule(can_shortlist, target=("target_id", staff_selectors.get_target))
def toggle_shortlist(request, target):
    """Add the application to the commune's shortlist, or take it out (``remove``)."""
    try:
        if request.POST.get("action") == "remove":
            services.remove_from_shortlist(user=request.user, target=target)
            messages.success(request, _("Candidature retirée de la présélection."))
        else:
            services.add_to_shortlist(user=request.user, target=target)
            messages.success(request, _("Candidature présélectionnée pour une audition."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("staff:application", target_id=target.pk)


def _opinion_forms(entries, conflicted, data=None):
    """(entry, form, conflicted) per shortlisted application; no form where the user is conflicted
    (nor, in a post, for a row the posted page did not have)."""
    rows = []
    for entry in entries:
        if entry.target_id in conflicted:
            rows.append((entry, None, True))
            continue
        if data is not None and f"t{entry.target_id}-opinion" not in data:
            # Shortlisted after the page was loaded: left as it is.
            rows.append((entry, None, False))
            continue
        opinion = getattr(entry.target, "jury_opinion", None)
        initial = (
            {"opinion": opinion.opinion, "comment": opinion.comment, "rank": opinion.rank}
            if opinion
            else {}
        )
        form = OpinionForm(data, prefix=f"t{entry.target_id}", initial=initial)
        rows.append((entry, form, False))
    return rows


@staff_required
@rule(can_view_auditions, participation=PARTICIPATION)
def jury(request, participation):
    """The team reads the jury's page; managers record the session and opinions (POST)."""
    can_manage = can_manage_auditions(request.user, participation)
    session = selectors.jury_session(participation)
    team = User.objects.filter(team_memberships__commune=participation.commune_id).order_by(
        "last_name", "first_name", "pk"
    )
    entries = list(selectors.shortlist(participation))
    conflicted = services.conflicted_targets(request.user, participation) if can_manage else set()
    initial = (
        {"held_on": session.held_on, "members": list(session.members.all())} if session else {}
    )
    session_form = JurySessionForm(initial=initial, team=team)
    rows = _opinion_forms(entries, conflicted)
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if request.POST.get("part") == "session":
            session_form = JurySessionForm(request.POST, team=team)
            if session_form.is_valid():
                try:
                    services.save_session(
                        user=request.user, participation=participation, **session_form.cleaned_data
                    )
                except ValidationError as error:
                    apply_service_errors(session_form, error)
                else:
                    messages.success(request, _("Le jury est enregistré."))
                    return redirect("auditions:jury", participation_id=participation.pk)
        else:
            rows = _opinion_forms(entries, conflicted, request.POST)
            if all(form.is_valid() for _entry, form, _conflicted in rows if form):
                opinions = {
                    entry.target: (
                        form.cleaned_data["opinion"],
                        form.cleaned_data["comment"],
                        form.cleaned_data["rank"],
                    )
                    for entry, form, _conflicted in rows
                    if form
                }
                try:
                    services.save_opinions(
                        user=request.user, participation=participation, opinions=opinions
                    )
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(request, _("Les avis du jury sont enregistrés."))
                    return redirect("auditions:jury", participation_id=participation.pk)
        status = 400
    return render(
        request,
        "auditions/staff/jury.html",
        {
            "participation": participation,
            "call": participation.call,
            "session": session,
            "session_form": session_form,
            "rows": rows,
            "can_manage": can_manage,
        },
        status=status,
    )


# -- candidates --------------------------------------------------------------------


def _respond_page(request, entry, booking_form=None, decline_form=None, status=200):
    can_respond = can_respond_to_invitation(request.user, entry)
    slots = selectors.free_slots(entry.target.participation)
    return render(
        request,
        "auditions/candidate/respond.html",
        {
            "entry": entry,
            "application": entry.target.application,
            "commune": entry.target.participation.commune,
            "booking": getattr(entry, "booking", None),
            "can_respond": can_respond,
            "booking_form": booking_form or BookingForm(slots=slots),
            "decline_form": decline_form or DeclineForm(),
        },
        status=status,
    )


@rule(logged_in)
def respond(request, entry_id):
    entry = selectors.get_entry_for_member(request.user, entry_id)
    return _respond_page(request, entry)


@require_POST
@rule(logged_in)
def book(request, entry_id):
    entry = selectors.get_entry_for_member(request.user, entry_id)
    slots = selectors.free_slots(entry.target.participation)
    form = BookingForm(request.POST, slots=slots)
    if not can_respond_to_invitation(request.user, entry):
        messages.error(request, _("Cette invitation n'attend plus de réponse."))
        return redirect("auditions:respond", entry_id=entry.pk)
    if form.is_valid():
        try:
            services.book(user=request.user, entry=entry, slot_id=form.cleaned_data["slot"].pk)
        except ValidationError as error:
            apply_service_errors(form, error)
            form.fields["slot"].queryset = selectors.free_slots(entry.target.participation)
            return _respond_page(request, entry, booking_form=form, status=409)
        messages.success(
            request, _("Votre audition est réservée : une confirmation vous est envoyée.")
        )
        return redirect("applications:detail", pk=entry.target.application_id)
    return _respond_page(request, entry, booking_form=form, status=400)


@require_POST
@rule(logged_in)
def decline(request, entry_id):
    entry = selectors.get_entry_for_member(request.user, entry_id)
    form = DeclineForm(request.POST)
    if not can_respond_to_invitation(request.user, entry):
        messages.error(request, _("Cette invitation n'attend plus de réponse."))
        return redirect("auditions:respond", entry_id=entry.pk)
    if form.is_valid():
        try:
            services.decline(user=request.user, entry=entry, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("auditions:respond", entry_id=entry.pk)
        messages.success(
            request,
            _("Vous avez décliné l'audition : l'équipe de la commune le voit à son planning."),
        )
        return redirect("applications:detail", pk=entry.target.application_id)
    return _respond_page(request, entry, decline_form=form, status=400)


@rule(logged_in)
def calendar_file(request, entry_id):
    """The booked audition as an .ics file, for the company's members."""
    entry = selectors.get_entry_for_member(request.user, entry_id)
    booking = getattr(entry, "booking", None)
    if booking is None:
        raise Http404
    response = HttpResponse(ics.booking_calendar(booking), content_type=ics.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{ics.FILENAME}"'
    return response
