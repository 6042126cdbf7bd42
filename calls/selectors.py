"""Reads of editions, calls and their communes; every list page uses a fixed number of queries."""

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import Call, CallQuestion, Challenge, Edition, Participation
from communes.models import Commune

CHALLENGES = Prefetch(
    "challenges", queryset=Challenge.objects.prefetch_related("tags").order_by("order", "id")
)


def _participations():
    return Participation.objects.select_related("commune", "edition").order_by("commune__name")


def _with_communes(calls):
    return calls.select_related("edition").prefetch_related(
        Prefetch("participations", queryset=_participations())
    )


def public_calls(user):
    """Published calls (drafts too for admins), by state, each with its communes."""
    calls = _with_communes(Call.objects.visible_to(user).published())
    return {
        "open": list(calls.open().order_by("closes_at")),
        "upcoming": list(calls.upcoming().order_by("opens_at")),
        "closed": list(calls.closed().order_by("-closes_at")),
    }


def home_page():
    calls = _with_communes(Call.objects.published())
    return {
        "open_calls": list(calls.open().order_by("closes_at")),
        "upcoming_calls": list(calls.upcoming().order_by("opens_at")),
        "current_editions": list(Edition.objects.filter(ends_on__isnull=True)),
        "past_editions": list(Edition.objects.filter(ends_on__isnull=False)),
    }


def call_for_page(user, slug):
    """A call visible to ``user`` with its communes, challenges and published Q&A, or 404."""
    calls = (
        Call.objects.visible_to(user)
        .select_related("edition")
        .prefetch_related(
            Prefetch("participations", queryset=_participations().prefetch_related(CHALLENGES)),
            Prefetch(
                "questions",
                queryset=CallQuestion.objects.filter(is_published=True),
                to_attr="published_questions",
            ),
        )
    )
    return get_object_or_404(calls, slug=slug)


def rules_data(call):
    """What the generated rules document prints: participations with their challenges,
    criteria and published questions (four queries)."""
    participations = list(_participations().filter(call=call).prefetch_related(CHALLENGES))
    criteria = list(call.criteria.order_by("order", "id"))
    questions = list(call.questions.filter(is_published=True).order_by("order", "id"))
    return participations, criteria, questions


def visible_call(user, slug):
    return get_object_or_404(Call.objects.visible_to(user), slug=slug)


def editions_with_counts():
    return Edition.objects.annotate(
        participation_count=Count("participations", distinct=True),
        call_count=Count("calls", filter=Q(calls__published_at__isnull=False), distinct=True),
    )


def edition_for_page(user, slug):
    edition = get_object_or_404(Edition, slug=slug)
    participations = list(_participations().filter(edition=edition).prefetch_related(CHALLENGES))
    calls = list(
        _with_communes(Call.objects.visible_to(user).filter(edition=edition)).order_by("opens_at")
    )
    return edition, participations, calls


def commune_for_page(user, slug):
    """A commune and its participations, latest edition first, each with its challenges
    and its call (when visible to ``user``), or 404."""
    commune = get_object_or_404(Commune, slug=slug)
    visible_calls = Call.objects.visible_to(user)
    participations = list(
        Participation.objects.filter(commune=commune)
        .select_related("edition")
        .prefetch_related(
            CHALLENGES,
        )
        .filter(Q(call__isnull=True) | Q(call__in=visible_calls))
        .select_related("call")
        .order_by("-edition__number")
    )
    return commune, participations


def attach_laureates(participations, targets):
    """Give each participation ``public_laureates``: its own among ``targets``."""
    by_participation = {}
    for target in targets:
        by_participation.setdefault(target.participation_id, []).append(target)
    for participation in participations:
        participation.public_laureates = by_participation.get(participation.pk, [])
    return participations


def laureates(call=None, commune=None, edition=None):
    """Selected applications of calls whose results are published."""
    from applications.models import ApplicationTarget

    # A withdrawn application is never shown, even if it had been selected.
    targets = (
        ApplicationTarget.objects.decisions_published().filter(
            decision=ApplicationTarget.Decision.SELECTED,
            application__call__published_at__isnull=False,
        )
    ).select_related(
        "application",
        "application__organisation",
        "application__call",
        "participation__commune",
        "participation__edition",
    )
    if call is not None:
        targets = targets.filter(application__call=call)
    if commune is not None:
        targets = targets.filter(participation__commune=commune)
    if edition is not None:
        targets = targets.filter(participation__edition=edition)
    return targets.order_by("participation__commune__name", "selection_slot")


# Back-office reads.


def backoffice_calls():
    return _with_communes(Call.objects.all()).order_by("-opens_at")


def backoffice_participations():
    return (
        Participation.objects.select_related("commune", "edition", "call")
        .annotate(challenge_count=Count("challenges"))
        .order_by("-edition__number", "commune__name")
    )


def communes_with_editions():
    return Commune.objects.prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("edition").order_by("edition__number"),
        )
    ).order_by("name")


def call_publication_consequences(call, now=None):
    """Communes, criteria, why it cannot be published yet, and the "a call opens" alerts
    it will cause: one e-mail per confirmed address following one of its communes or
    themes, sent if it opens in the future or opened less than 7 days ago."""
    from notifications.models import AlertSubscription
    from notifications.services.scheduling import ANNOUNCE_WITHIN

    now = now or timezone.now()
    communes = call.participations.count()
    criteria = call.criteria.count()
    refusal = None
    if not communes:
        refusal = _("Ajoutez au moins une commune avant de publier l'appel.")
    elif not criteria:
        refusal = _("Ajoutez au moins un critère d'évaluation avant de publier.")
    alerts_sent = call.closes_at > now and call.opens_at >= now - ANNOUNCE_WITHIN
    emails = (
        AlertSubscription.objects.matching_call(call).values("email").distinct().count()
        if alerts_sent
        else 0
    )
    return {
        "communes": communes,
        "criteria": criteria,
        "refusal": refusal,
        "alerts_sent": alerts_sent,
        "alert_emails": emails,
    }
