"""Reading aids of the staff application page: previous / next application, the
pitch deck shown inline, and bulk screening from the dashboard's selection."""

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from applications.models import Attachment
from applications.permissions.staff import can_screen_in
from applications.selectors import reading
from applications.selectors import staff as selectors
from applications.services import screening
from applications.services.attachments import PDF
from applications.views.staff import staff_required
from qmi.permissions import rule

PDF_MAGIC = b"%PDF-"


def _is_pdf(attachment):
    if attachment.content_type != PDF:
        return False
    with attachment.file.open("rb") as handle:
        return handle.read(len(PDF_MAGIC)) == PDF_MAGIC


@staff_required
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"], "object-src": ["'self'"]})
def attachment_view(request, target_id, attachment_id):
    """An attachment of an application the user may see as commune staff: a PDF is
    answered ``inline`` (framed by the application page, same origin only); every
    other type is downloaded (``attachment``). Never sniffed by the browser."""
    target = selectors.get_target(request.user, target_id)
    attachment = get_object_or_404(
        Attachment.objects.filter(application_id=target.application_id), pk=attachment_id
    )
    try:
        inline = _is_pdf(attachment)
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@staff_required
@rule(can_screen_in, participation=("participation_id", selectors.get_participation))
def bulk_screen(request, participation):
    """Screen the rows ticked on the dashboard (managers, or an admin)."""
    url = reverse("staff:dashboard", args=[participation.pk])
    query = reading.navigation_query(QueryDict(request.POST.get("nav", "")[:1000]))
    back = redirect(f"{url}?{query}" if query else url)
    targets = reading.target_ids_in(request.user, participation, request.POST.getlist("targets"))
    if not targets:
        messages.error(request, _("Cochez au moins une candidature du tableau."))
        return back
    try:
        screened, skipped = screening.screen_many(
            user=request.user,
            targets=targets,
            eligibility=request.POST.get("eligibility", ""),
            reason=request.POST.get("reason", "")[:2000],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    messages.success(
        request,
        ngettext(
            "%(count)d éligibilité enregistrée.",
            "%(count)d éligibilités enregistrées.",
            len(screened),
        )
        % {"count": len(screened)},
    )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d candidature ignorée : conflit d’intérêts. %(refs)s",
                "%(count)d candidatures ignorées : conflit d’intérêts. %(refs)s",
                len(skipped),
            )
            % {
                "count": len(skipped),
                "refs": ", ".join(t.application.reference for t in skipped),
            },
        )
    return back
