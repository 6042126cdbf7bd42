from django.shortcuts import get_object_or_404, render

from calls.models import Call, Edition
from communes.models import Commune


def home(request):
    calls = Call.objects.published().select_related("edition")
    return render(
        request,
        "calls/home.html",
        {
            "open_calls": calls.open(),
            "editions": Edition.objects.all(),
        },
    )


def call_list(request):
    calls = Call.objects.published().select_related("edition")
    return render(
        request,
        "calls/call_list.html",
        {
            "open_calls": calls.open(),
            "upcoming_calls": calls.upcoming(),
            "closed_calls": calls.closed(),
        },
    )


def call_detail(request, slug):
    call = get_object_or_404(Call.objects.visible_to(request.user), slug=slug)
    return render(request, "calls/call_detail.html", {"call": call})


def edition_list(request):
    return render(request, "calls/edition_list.html", {"editions": Edition.objects.all()})


def edition_detail(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    return render(request, "calls/edition_detail.html", {"edition": edition})


def commune_detail(request, slug):
    commune = get_object_or_404(Commune, slug=slug)
    return render(request, "calls/commune_detail.html", {"commune": commune})
