"""What the public API reads: published calls and published laureates only."""

from django.db.models import Exists, OuterRef, Prefetch

from calls.models import Call, Challenge, Edition, Participation
from communes.models import Commune
from experimentations.models import Pilot
from stats.opendata import laureate_targets

CALL_STATES = ["upcoming", "open", "closed", "results"]


def editions():
    return Edition.objects.order_by("-number")


def communes(edition=None):
    communes = Commune.objects.filter(participations__isnull=False).prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("edition").order_by("edition__number"),
        )
    )
    if edition:
        communes = communes.filter(participations__edition__slug=edition)
    return communes.distinct().order_by("name", "pk")


def calls(edition=None, commune=None, state=None):
    calls = (
        Call.objects.published()
        .select_related("edition")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("commune")
                .prefetch_related(
                    Prefetch(
                        "challenges",
                        queryset=Challenge.objects.prefetch_related("tags").order_by("order", "id"),
                    )
                )
                .order_by("commune__name"),
            )
        )
    )
    if edition:
        calls = calls.filter(edition__slug=edition)
    if commune:
        calls = calls.filter(participations__commune__insee_code=commune)
    if state == "upcoming":
        calls = calls.upcoming()
    elif state == "open":
        calls = calls.open()
    elif state == "closed":
        calls = calls.closed().filter(results_published_at__isnull=True)
    elif state == "results":
        calls = calls.with_results()
    return calls.distinct().order_by("-opens_at", "pk")


def laureates(edition=None, commune=None, state=None):
    targets = laureate_targets()
    if edition:
        targets = targets.filter(participation__edition__slug=edition)
    if commune:
        targets = targets.filter(participation__commune__insee_code=commune)
    if state:
        pilots = Pilot.objects.public().filter(
            application=OuterRef("application"),
            participation=OuterRef("participation"),
            state=state,
        )
        targets = targets.filter(Exists(pilots))
    return targets
