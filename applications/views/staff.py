"""Commune teams: dashboard, application page, screening, reviews, decisions."""

from types import SimpleNamespace

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from applications.filters import DashboardFilterSet
from applications.forms.staff import (
    ConflictForm,
    DecisionForm,
    NoteForm,
    ReviewDeadlineForm,
    ReviewForm,
    ScreeningForm,
)
from applications.models import StaffJob
from applications.permissions.staff import (
    can_access_staff_area,
    can_add_note,
    can_assign,
    can_assign_reviewers,
    can_decide,
    can_declare_conflict,
    can_finalise,
    can_follow_job,
    can_reopen,
    can_review,
    can_screen,
    can_see_colleague_reviews,
    can_view_participation,
    can_view_target,
)
from applications.selectors import assignments as assignment_selectors
from applications.selectors import search
from applications.selectors import staff as selectors
from applications.services import assignments, exports, review, screening, selection
from applications.views import reading_context
from qmi.files import private_file_response
from qmi.forms import apply_service_errors
from qmi.permissions import rule, scoped

PAGE_SIZE = 25
CONCURRENT_WRITE_MESSAGE = gettext_lazy(
    "Un membre de l'équipe enregistrait sur cette candidature au même instant : "
    "rien n'a été enregistré, vérifiez la page puis envoyez à nouveau."
)


# Log in first; then commune staff and metropolis admins only (qmi.permissions).
staff_required = rule(can_access_staff_area)
# Objects of the URL, 404 outside the user's communes.
PARTICIPATION = ("participation_id", selectors.get_participation)
TARGET = ("target_id", selectors.get_target)


@staff_required
def home(request):
    participations = selectors.staff_participations(request.user)
    return render(request, "applications/staff/home.html", {"participations": participations})


@staff_required
@rule(can_view_participation, participation=PARTICIPATION)
def dashboard(request, participation):
    return _dashboard(request, participation)


def _dashboard(request, participation, status=200):
    filterset = DashboardFilterSet(request.GET, participation=participation, user=request.user)
    # The htmx partial (filters, sorting, pages) shows no totals.
    totals = None if request.htmx else selectors.dashboard_totals(request.user, participation)
    page = selectors.dashboard_page(
        request.user,
        participation,
        filterset.qs,
        request.GET.get("page"),
        PAGE_SIZE,
        count=totals["total"] if totals and not filterset.is_filtered else None,
    )
    for row in page:
        # Always set: a missing attribute costs the template a dir() of the row.
        row.passage = search.passage(row, filterset.search_query) if filterset.search_query else ""
    results = {
        "participation": participation,
        "form": filterset.form,
        "filters": SimpleNamespace(sort=filterset.sort_key, q=filterset.search_query),
        "page": page,
        "can_assign": can_assign(request.user, participation),
        "nav_query": reading_context.navigation_query(request.GET),
    }
    if request.htmx and status == 200:
        # Filters, sorting and pages without reloading: only the results.
        return render(request, "applications/staff/_dashboard_results.html", results)
    totals = totals or selectors.dashboard_totals(request.user, participation)
    can_finalise_now = can_finalise(request.user, participation)
    return render(
        request,
        "applications/staff/dashboard.html",
        {
            **results,
            "call": participation.call,
            "totals": totals,
            "can_finalise": can_finalise_now,
            **reading_context.dashboard_context(request, participation, can_finalise_now),
            "call_still_open": selection.call_still_open_message(participation.call),
            "finalise_refusal": selection.finalise_refusal(participation, totals["selected"]),
            "undecided_count": totals["undecided"],
            "can_reopen": can_reopen(request.user, participation),
            **_assignment_panels(request.user, participation, results["can_assign"]),
        },
        status=status,
    )


def _assignment_panels(user, participation, manager):
    mine, total = assignment_selectors.my_pending_assignments(user, participation)
    panels = {"my_assignments": mine, "my_assignments_total": total}
    if manager:
        deadline = participation.review_deadline
        panels["progress"] = assignment_selectors.reviewer_progress(participation)
        panels["deadline_form"] = ReviewDeadlineForm(
            initial={"deadline": timezone.localtime(deadline) if deadline else None}
        )
    return panels


@staff_required
@rule(can_view_participation, participation=PARTICIPATION)
def dashboard_export(request, participation, file_format):
    """POST: a worker prepares the export; the job page shows its progress and link."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = exports.request_export(
        user=request.user,
        call=participation.call,
        participation=participation,
        file_format=file_format,
    )
    return redirect("staff:job", job_id=job.pk)


def export_response(header, rows, name, file_format):
    """A small table answered in the request (the team tables go through a job)."""
    if file_format == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(header, rows, title=name), content_type=exports.CONTENT_TYPES["xlsx"]
        )
    else:
        response = HttpResponse(
            exports.to_csv(header, rows), content_type=exports.CONTENT_TYPES["csv"]
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response


def _job_for(user, job_id):
    """Someone else's job, or one whose access was lost, is answered 404 like an unknown one."""
    job = get_object_or_404(
        StaffJob.objects.select_related("call", "participation__commune"), pk=job_id
    )
    if not can_follow_job(user, job):
        raise Http404
    return job


JOB = ("job_id", _job_for)


@staff_required
@rule(scoped, job=JOB)
def job(request, job):
    return render(request, "applications/staff/job.html", {"job": job})


@staff_required
@rule(scoped, job=JOB)
def job_download(request, job):
    if job.state != StaffJob.State.DONE or not job.file:
        raise Http404
    return private_file_response(
        job.file,
        filename=f"{exports.export_name(job)}.{job.file_format}",
        content_type=exports.CONTENT_TYPES[job.file_format],
    )


def _page(request, target, status=200, **forms):
    """The staff application page, with any bound form that failed."""
    user = request.user
    data = selectors.target_page(user, target)
    my_review = data["my_review"]
    context = {
        **data,
        "target": target,
        "participation": target.participation,
        "call": target.participation.call,
        "can_review": can_review(user, target, my_review),
        "can_screen": can_screen(user, target),
        "can_decide": can_decide(user, target),
        "call_still_open": selection.call_still_open_message(target.participation.call),
        "can_add_note": can_add_note(user, target),
        "can_assign": can_assign(user, target.participation),
        "assignments": assignment_selectors.target_assignments(target),
        "team": assignments.team_members(target.participation),
        "show_reviews": can_see_colleague_reviews(user, target, my_review),
        "conflicted": bool(my_review and my_review.conflict_of_interest),
        "review_form": forms.get("review_form")
        or ReviewForm(initial=ReviewForm.initial_for(my_review), criteria=data["criteria"]),
        "conflict_form": forms.get("conflict_form") or ConflictForm(),
        "screening_form": forms.get("screening_form")
        or ScreeningForm(
            initial={"eligibility": target.eligibility, "reason": target.eligibility_reason}
        ),
        "decision_form": forms.get("decision_form")
        or DecisionForm(
            initial={"decision": target.decision, "motivation": target.decision_motivation}
        ),
        "note_form": forms.get("note_form") or NoteForm(),
        **reading_context.page_context(request, target),
    }
    return render(request, "applications/staff/application.html", context, status=status)


@staff_required
@rule(can_view_target, target=TARGET)
def application(request, target):
    return _page(request, target)


def _post_action(request, target, form, form_name, action, success_message):
    """Run one service from a bound form; errors go next to the fields, nothing typed is lost."""
    if form.is_valid():
        try:
            action(form)
        except ValidationError as error:
            apply_service_errors(form, error)
        except OperationalError:
            # SQLite gave up waiting for a colleague's write: answered like the
            # other concurrent writes, nothing typed is lost.
            form.add_error(None, CONCURRENT_WRITE_MESSAGE)
            return _page(request, target, status=409, **{form_name: form})
        else:
            messages.success(request, success_message)
            return reading_context.back_to_application(request, target)
    return _page(request, target, status=400, **{form_name: form})


@require_POST
@staff_required
@rule(can_review, target=TARGET)
def save_review(request, target):
    criteria = list(target.participation.call.criteria.all())
    form = ReviewForm(request.POST, criteria=criteria)
    submit = request.POST.get("action") == "submit"

    def action(form):
        review.save_review(
            user=request.user,
            target=target,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            recommendation=form.cleaned_data["recommendation"],
            submit=submit,
        )

    message = _("Votre évaluation est soumise.") if submit else _("Brouillon enregistré.")
    return _post_action(request, target, form, "review_form", action, message)


@require_POST
@staff_required
@rule(can_declare_conflict, target=TARGET)
def declare_conflict(request, target):
    form = ConflictForm(request.POST)

    def action(form):
        review.declare_conflict(
            user=request.user, target=target, reason=form.cleaned_data["reason"]
        )

    message = _("Conflit d'intérêts enregistré : vous n'évaluerez pas cette candidature.")
    return _post_action(request, target, form, "conflict_form", action, message)


@require_POST
@staff_required
@rule(can_screen, target=TARGET)
def screen(request, target):
    form = ScreeningForm(request.POST)

    def action(form):
        screening.screen(
            user=request.user,
            target=target,
            eligibility=form.cleaned_data["eligibility"],
            reason=form.cleaned_data["reason"],
        )

    return _post_action(
        request, target, form, "screening_form", action, _("Éligibilité enregistrée.")
    )


@require_POST
@staff_required
@rule(can_decide, target=TARGET)
def decide(request, target):
    form = DecisionForm(request.POST)

    def action(form):
        selection.decide(
            user=request.user,
            target=target,
            decision=form.cleaned_data["decision"],
            motivation=form.cleaned_data["motivation"],
        )

    return _post_action(request, target, form, "decision_form", action, _("Décision enregistrée."))


@require_POST
@staff_required
@rule(can_add_note, target=TARGET)
def add_note(request, target):
    form = NoteForm(request.POST)

    def action(form):
        review.add_note(user=request.user, target=target, body=form.cleaned_data["body"])

    return _post_action(request, target, form, "note_form", action, _("Note ajoutée."))


@require_http_methods(["GET", "POST"])
@staff_required
@rule(can_finalise, participation=PARTICIPATION)
def finalise(request, participation):
    if request.method == "GET":
        from applications.views.confirmations import confirm_finalisation

        return confirm_finalisation(request, participation)
    try:
        selection.finalise_selection(
            user=request.user,
            participation=participation,
            leave_undecided=request.POST.get("leave_undecided") == "on",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _dashboard(request, participation, status=400)
    messages.success(request, _("La sélection est finalisée."))
    return redirect("staff:dashboard", participation_id=participation.pk)


def _back_to_dashboard(participation):
    return redirect("staff:dashboard", participation_id=participation.pk)


@require_POST
@staff_required
@rule(can_assign_reviewers, target=TARGET)
def assign(request, target):
    """Assign one reviewer to this application (manager)."""
    try:
        created, skipped = assignments.assign(
            user=request.user,
            participation=target.participation,
            targets=[target],
            reviewer_id=request.POST.get("reviewer"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if skipped:
            messages.error(request, _("Ce membre de l’équipe est en conflit d’intérêts."))
        else:
            messages.success(request, _("Affectation enregistrée."))
    return redirect("staff:application", target_id=target.pk)


@require_POST
@staff_required
@rule(can_assign_reviewers, target=TARGET)
def unassign(request, target):
    assignments.unassign(user=request.user, target=target, reviewer_id=request.POST.get("reviewer"))
    messages.success(request, _("Affectation retirée."))
    return redirect("staff:application", target_id=target.pk)


@require_POST
@staff_required
@rule(can_assign, participation=PARTICIPATION)
def bulk_assign(request, participation):
    """Assign a reviewer to the rows ticked on the dashboard."""
    ids = [i for i in request.POST.getlist("targets") if i.isdigit() and len(i) < 12]
    targets = list(
        selectors.staff_targets(request.user).filter(participation=participation, pk__in=ids)
    )
    if not targets:
        messages.error(request, _("Cochez au moins une candidature du tableau."))
        return _back_to_dashboard(participation)
    try:
        created, skipped = assignments.assign(
            user=request.user,
            participation=participation,
            targets=targets,
            reviewer_id=request.POST.get("reviewer"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_dashboard(participation)
    _report_assignments(request, created)
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d candidature ignorée : conflit d’intérêts.",
                "%(count)d candidatures ignorées : conflit d’intérêts.",
                len(skipped),
            )
            % {"count": len(skipped)},
        )
    return _back_to_dashboard(participation)


def _report_assignments(request, created):
    messages.success(
        request,
        ngettext(
            "%(count)d affectation enregistrée.",
            "%(count)d affectations enregistrées.",
            created,
        )
        % {"count": created},
    )


@require_POST
@staff_required
@rule(can_assign, participation=PARTICIPATION)
def spread_assignments(request, participation):
    try:
        created, short = assignments.spread_evenly(
            user=request.user,
            participation=participation,
            per_application=request.POST.get("per_application"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_dashboard(participation)
    _report_assignments(request, created)
    if short:
        messages.warning(
            request,
            ngettext(
                "%(count)d candidature n’a pas assez d’évaluateurs sans conflit d’intérêts.",
                "%(count)d candidatures n’ont pas assez d’évaluateurs sans conflit d’intérêts.",
                short,
            )
            % {"count": short},
        )
    return _back_to_dashboard(participation)


@require_POST
@staff_required
@rule(can_assign, participation=PARTICIPATION)
def review_deadline(request, participation):
    form = ReviewDeadlineForm(request.POST)
    if form.is_valid():
        assignments.set_review_deadline(
            user=request.user, participation=participation, deadline=form.cleaned_data["deadline"]
        )
        messages.success(request, _("Date limite des évaluations enregistrée."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _back_to_dashboard(participation)
