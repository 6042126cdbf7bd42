"""Pilot pages: "Mes expérimentations", the boards, the pilot page and its forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from experimentations import permissions
from experimentations.forms import MilestoneForm, OfficerForm, OutcomeForm, PilotForm, ReportForm
from experimentations.models import Milestone, Outcome, Pilot
from experimentations.selectors import pilots as selectors
from experimentations.services import pilots as services
from experimentations.services import reports as report_services
from qmi.files import private_file_response
from qmi.forms import parse_id
from qmi.permissions import logged_in, rule, scoped

PAGE_SIZE = 50
PILOT = ("pk", selectors.pilot_for_page)


@rule(logged_in)
def my_pilots(request):
    pilots = list(selectors.my_pilots(request.user))
    return render(request, "experimentations/my_pilots.html", {"pilots": pilots})


def _filters(request):
    get = request.GET
    state = get.get("state", "")
    return selectors.BoardFilters(
        commune=parse_id(get.get("commune", "")),
        edition=parse_id(get.get("edition", "")),
        state=state if state in Pilot.State.values else "",
        mine=get.get("mine") == "1",
        overdue=get.get("overdue") == "1",
    )


@rule(permissions.can_access_board)
def board(request):
    filters = _filters(request)
    page = Paginator(selectors.board(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    communes, editions = selectors.board_choices(request.user)
    return render(
        request,
        "experimentations/board.html",
        {
            "page": page,
            "filters": filters,
            "communes": communes,
            "editions": editions,
            "states": Pilot.State.choices,
            "follows_pilots": request.user.followed_pilots.exists(),
        },
    )


@rule(permissions.can_view_pilot, pilot=PILOT)
def pilot_detail(request, pilot):
    return render(
        request,
        "experimentations/pilot.html",
        {
            "pilot": pilot,
            "timeline": selectors.timeline(pilot),
            "outcome": Outcome.objects.filter(pilot=pilot).first(),
        },
    )


@rule(permissions.can_edit_pilot, pilot=PILOT)
def pilot_edit(request, pilot):
    form = PilotForm(request.POST or None, instance=pilot)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_pilot(user=request.user, pilot=pilot, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("L'expérimentation est enregistrée."))
            return redirect("experimentations:pilot", pk=pilot.pk)
    return render(
        request,
        "experimentations/pilot_form.html",
        {"pilot": pilot, "form": form},
        status=400 if form.errors else 200,
    )


@rule(permissions.can_assign_officer, pilot=PILOT)
def officer_assign(request, pilot):
    form = OfficerForm(request.POST or None, initial={"officer": pilot.officer_id})
    if request.method == "POST" and form.is_valid():
        services.assign_officer(
            user=request.user, pilot=pilot, officer=form.cleaned_data["officer"]
        )
        messages.success(request, _("Le chargé de mission est enregistré."))
        return redirect("experimentations:pilot", pk=pilot.pk)
    return render(
        request,
        "experimentations/officer_form.html",
        {"pilot": pilot, "form": form},
        status=400 if form.errors else 200,
    )


@rule(permissions.can_edit_pilot, pilot=PILOT)
def milestone_edit(request, pilot, milestone_pk=None):
    milestone = Milestone(pilot=pilot)
    if milestone_pk is not None:
        milestone = get_object_or_404(Milestone, pk=milestone_pk, pilot=pilot)
    if request.method == "POST" and request.POST.get("delete") and milestone.pk:
        services.delete_milestone(user=request.user, milestone=milestone)
        messages.success(request, _("Le jalon est supprimé."))
        return redirect("experimentations:pilot", pk=pilot.pk)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        services.save_milestone(user=request.user, pilot=pilot, milestone=form.instance)
        messages.success(request, _("Le jalon est enregistré."))
        return redirect("experimentations:pilot", pk=pilot.pk)
    return render(
        request,
        "experimentations/milestone_form.html",
        {"pilot": pilot, "form": form, "milestone": milestone},
        status=400 if form.errors else 200,
    )


@rule(permissions.can_record_outcome, pilot=PILOT)
def outcome_edit(request, pilot):
    instance = Outcome.objects.filter(pilot=pilot).first() or Outcome(pilot=pilot)
    form = OutcomeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.record_outcome(
            user=request.user,
            pilot=pilot,
            continued=form.cleaned_data["continued"],
            form=form.cleaned_data["form"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("La suite donnée est enregistrée."))
        return redirect("experimentations:pilot", pk=pilot.pk)
    return render(
        request,
        "experimentations/outcome_form.html",
        {"pilot": pilot, "form": form},
        status=400 if form.errors else 200,
    )


@rule(permissions.can_view_pilot, pilot=PILOT)
def report(request, pilot, report_pk):
    """A report: its members write it; everyone who sees the pilot reads it."""
    report = selectors.report_of(pilot, report_pk)
    can_file = permissions.can_file_report(request.user, report)
    form = None
    if can_file:
        form = ReportForm(
            request.POST or None, request.FILES or None, initial={"text": report.text}
        )
        if request.method == "POST" and form.is_valid():
            try:
                report_services.file_report(
                    user=request.user,
                    report=report,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Le rapport est déposé. Merci !"))
                return redirect("experimentations:pilot", pk=pilot.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "experimentations/report.html",
        {"pilot": pilot, "report": report, "form": form, "can_file": can_file},
        status=400 if form is not None and form.errors else 200,
    )


@rule(scoped, attachment=("pk", selectors.attachment_for_download))
def report_attachment_download(request, attachment):
    return private_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )
