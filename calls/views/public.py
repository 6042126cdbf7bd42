"""Public pages: programme, calls, editions, communes."""

import os

from django.http import FileResponse, Http404
from django.shortcuts import render

from calls import selectors
from calls.page_cache import render_public
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
    """The rules document, served only for a call the visitor may see."""
    call = selectors.visible_call(request.user, slug)
    if not call.rules_document:
        raise Http404
    try:
        handle = call.rules_document.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = f"reglement-{call.slug}{os.path.splitext(call.rules_document.name)[1] or '.pdf'}"
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )


def edition_list(request):
    return render(
        request, "calls/edition_list.html", {"editions": list(selectors.editions_with_counts())}
    )


def edition_detail(request, slug):
    edition, participations, calls = selectors.edition_for_page(request.user, slug)
    return render(
        request,
        "calls/edition_detail.html",
        {
            "edition": edition,
            "participations": participations,
            "calls": calls,
            "laureates": with_pilot_states(selectors.laureates(edition=edition)),
            "satisfaction": satisfaction_for_edition(edition),
            "pilots_deployed": pilots_deployed(edition),
        },
    )


def commune_list(request):
    return render(
        request,
        "calls/commune_list.html",
        {"communes": list(selectors.communes_with_editions())},
    )


def commune_detail(request, slug):
    commune, participations = selectors.commune_for_page(request.user, slug)
    return render(
        request,
        "calls/commune_detail.html",
        {
            "commune": commune,
            "participations": participations,
            "laureates": with_pilot_states(selectors.laureates(commune=commune)),
        },
    )
