"""Metropolis admins: each commune's state, reopening, publication, call export, audit log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applications.permissions.staff import (
    can_export_call,
    can_publish_results,
    can_reopen,
    can_view_audit_log,
    can_view_results,
)
from applications.selectors import staff as selectors
from applications.services import exports, results, selection
from applications.views import audit, confirmations
from applications.views.staff import PARTICIPATION, staff_required
from calls.models import Call
from calls.selectors import laureates
from qmi.permissions import rule


def _call_for(user, call_id):
    return get_object_or_404(Call.objects.visible_to(user), pk=call_id)


CALL = ("call_id", _call_for)


@staff_required
@rule(can_view_results, call=CALL)
def call_results(request, call):
    return _results_page(request, call)


def _results_page(request, call, status=200):
    participations = list(selectors.call_results(call))
    return render(
        request,
        "applications/staff/results/call_results.html",
        {
            "call": call,
            "participations": participations,
            "all_finalised": bool(participations) and all(p.is_finalised for p in participations),
            "can_publish": can_publish_results(request.user, call),
            "call_still_open": selection.call_still_open_message(call),
            "laureates": laureates(call=call) if call.results_published else [],
            "publication": results.publication_progress(results.latest_publication(call)),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required
@rule(can_publish_results, call=CALL)
def publish(request, call):
    if request.method == "GET":
        return confirmations.confirm_publication(request, call)
    try:
        results.request_publication(user=request.user, call=call)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _results_page(request, call, status=400)
    messages.success(
        request,
        _(
            "Publication lancée : les messages de décision s’écrivent puis partent "
            "en arrière-plan ; suivez leur progression ci-dessous."
        ),
    )
    return redirect("staff:call_results", call_id=call.pk)


@require_http_methods(["GET", "POST"])
@staff_required
@rule(can_reopen, participation=PARTICIPATION)
def reopen(request, participation):
    if request.method == "GET":
        return confirmations.confirm_reopening(request, participation)
    selection.reopen_selection(user=request.user, participation=participation)
    messages.success(
        request,
        _("La sélection de %(commune)s est rouverte.") % {"commune": participation.commune},
    )
    return redirect("staff:call_results", call_id=participation.call_id)


@staff_required
@rule(can_export_call, call=CALL)
def call_export(request, call, file_format):
    """POST: a worker prepares the whole call's export; the job page follows it."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    job = exports.request_export(user=request.user, call=call, file_format=file_format)
    return redirect("staff:job", job_id=job.pk)


@staff_required
@rule(can_view_audit_log, call=CALL)
def audit_log(request, call):
    return audit.audit_log_page(request, call)
