"""Public pages: programme, calls, editions, communes, help; the rules of a call."""

import os
from collections import Counter

from django.conf import settings
from django.http import FileResponse, HttpResponse

from calls import selectors
from calls.page_cache import public_bytes, render_public
from experimentations.selectors.pilots import pilots_deployed, with_pilot_states
from experimentations.selectors.surveys import satisfaction_for_edition


def home(request):
    return render_public(request, "home", "calls/home.html", selectors.home_page)


def call_list(request):
    def context():
        calls = selectors.public_calls(request.user)
        return {
            "open_calls": calls["open"],
            "upcoming_calls": calls["upcoming"],
            "closed_calls": calls["closed"],
        }

    return render_public(request, "calls", "calls/call_list.html", context)


def call_detail(request, slug):
    def context():
        call = selectors.call_for_page(request.user, slug)
        return {
            "call": call,
            "participations": call.participations.all(),
            "state": call.state(),
            "laureates": (
                with_pilot_states(selectors.laureates(call=call)) if call.results_published else []
            ),
        }

    return render_public(request, "call", "calls/call_detail.html", context)


def call_rules(request, slug):
    """The rules of a call the visitor may see: the uploaded rules file when there is one,
    otherwise a PDF generated from the call's own data."""
    call = selectors.visible_call(request.user, slug)
    if call.rules_document:
        try:
            handle = call.rules_document.open("rb")
        except FileNotFoundError:
            handle = None
        if handle is not None:
            extension = os.path.splitext(call.rules_document.name)[1] or ".pdf"
            return FileResponse(
                handle,
                as_attachment=True,
                filename=f"reglement-{call.slug}{extension}",
                content_type="application/pdf",
            )
    from calls.rules_pdf import rules_pdf

    data = public_bytes(request, "rules", lambda: rules_pdf(call))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="reglement-{call.slug}.pdf"'
    response["Vary"] = "Cookie, Accept-Language"
    return response


def edition_list(request):
    return render_public(
        request,
        "editions",
        "calls/edition_list.html",
        lambda: {"editions": list(selectors.editions_with_counts())},
    )


def edition_detail(request, slug):
    def context():
        edition, participations, calls = selectors.edition_for_page(request.user, slug)
        return {
            "edition": edition,
            "participations": participations,
            "calls": calls,
            "laureates": with_pilot_states(selectors.laureates(edition=edition)),
            "satisfaction": satisfaction_for_edition(edition),
            "pilots_deployed": pilots_deployed(edition),
        }

    return render_public(request, "edition", "calls/edition_detail.html", context)


def commune_list(request):
    return render_public(
        request,
        "communes",
        "calls/commune_list.html",
        lambda: {"communes": list(selectors.communes_with_editions())},
    )


def commune_detail(request, slug):
    """A commune's page: its quarters and challenges across editions, its calls, its
    laureates and the public state of their pilots."""

    def context():
        commune, participations = selectors.commune_for_page(request.user, slug)
        laureates = with_pilot_states(selectors.laureates(commune=commune))
        selectors.attach_laureates(participations, laureates)
        pilot_states = Counter(t.public_pilot.state for t in laureates if t.public_pilot)
        return {
            "commune": commune,
            "participations": participations,
            "laureates": laureates,
            "pilot_states": pilot_states,
        }

    return render_public(request, "commune", "calls/commune_detail.html", context)


def help_page(request):
    """Help for candidates: who may apply, how, deadlines, documents, what happens after,
    whom to contact. The calls open or announced are read from the database."""

    def context():
        calls = selectors.home_page()
        return {
            "open_calls": calls["open_calls"],
            "upcoming_calls": calls["upcoming_calls"],
            "max_upload_mb": _max_upload_mb(),
            "contact_email": settings.QMI_PUBLISHER["contact_email"],
        }

    return render_public(request, "help", "calls/help.html", context)


def _max_upload_mb():
    from applications.services.attachments import MAX_SIZE

    return MAX_SIZE // (1024 * 1024)
