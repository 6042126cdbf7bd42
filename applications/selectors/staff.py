"""Reads of the staff side: dashboards, application pages, results, decisions.

Scores and review counts are maintained on each row (applications.services.scores);
a page's ranks are counted by the database through the (commune, score) index;
nothing here loops over reviews in Python.
"""

from dataclasses import asdict, dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Rank
from django.shortcuts import get_object_or_404

from accounts.roles import roles_of
from applications.models import Application, ApplicationTarget, OrganisationMembership, Review
from applications.permissions.staff import scores_always_visible
from applications.selectors.search import APPLICATION_TEXT_FIELDS, TARGET_TEXT_FIELDS
from applications.services.scores import computed_score
from calls.models import Call, Participation

Decision = ApplicationTarget.Decision
Eligibility = ApplicationTarget.Eligibility

SORTS = {
    "reference": ("application_reference",),
    "-reference": ("-application_reference",),
    "organisation": ("application__organisation__name", "application_reference"),
    "-organisation": ("-application__organisation__name", "application_reference"),
    "title": ("application__title", "application_reference"),
    "-title": ("-application__title", "application_reference"),
    "reviews": ("review_count", "application_reference"),
    "-reviews": ("-review_count", "application_reference"),
    "score": (F("visible_score").asc(nulls_last=True), "application_reference"),
    "-score": (F("visible_score").desc(nulls_last=True), "application_reference"),
    "decision": ("decision", "application_reference"),
    "-decision": ("-decision", "application_reference"),
}


def staff_targets(user):
    """The one answer to "which targeted communes' files may this staff member see?".

    Submitted applications of calls the user may see (commune staff never see
    an unpublished call), and for commune staff only the rows of their own
    communes: another commune's reviews and decisions hang off rows they never get.
    Plain conditions on the row (no DISTINCT nor OR subquery), so the database
    reads one commune's rows through its indexes.
    """
    roles = roles_of(user)
    if not (roles.is_metropolis_admin or roles.is_commune_staff):
        return ApplicationTarget.objects.none()
    targets = ApplicationTarget.objects.filter(submitted=True)
    if roles.is_metropolis_admin:
        return targets
    return targets.filter(
        participation__commune_id__in=roles.staff_communes,
        participation__call__in=Call.objects.visible_to(user),
    )


def staff_participations(user, counts=True):
    """Participations (call x commune) whose dashboard the user may open, with their
    numbers of applications and of selected ones unless ``counts`` is false."""
    roles = roles_of(user)
    participations = Participation.objects.filter(
        call__in=Call.objects.visible_to(user)
    ).select_related("call", "commune", "edition")
    if not roles.is_metropolis_admin:
        participations = participations.filter(commune_id__in=roles.staff_communes)
    if not counts:
        return participations
    # Counted by a subquery per participation: a COUNT(DISTINCT) over the joined
    # rows grouped by the participation's full row sorted 43,000 wide rows to disk
    # for one commune at 100,000 applications (bench/RESULTS.md).
    return participations.annotate(
        application_count=_submitted_count(),
        selected_count=_submitted_count(decision=Decision.SELECTED),
    ).order_by("-call__opens_at", "commune__name")


def _submitted_count(**conditions):
    """The outer participation's submitted rows (that meet ``conditions``), counted by
    a subquery over its indexes."""
    rows = ApplicationTarget.objects.filter(
        participation=OuterRef("pk"), submitted=True, **conditions
    )
    counted = rows.order_by().values("participation").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def get_participation(user, participation_id):
    # Without the counts: the pages that open one participation never show them, and
    # each is a pass over the commune's rows (43,000 at 100,000 applications).
    return get_object_or_404(staff_participations(user, counts=False), pk=participation_id)


def _visibility_condition(user, participation):
    """When a row's scores may be shown to this user: conditions on the row and
    uncorrelated subqueries over my reviews, read once, so that counting the visible
    rows needs no join to the reviews."""
    visible = ~_my_conflict(user)
    if (
        not scores_always_visible(user, participation)
        and participation.call.hide_reviews_until_submitted
    ):
        submitted = Review.objects.filter(reviewer=user, state=Review.State.SUBMITTED)
        visible &= Q(pk__in=submitted.values("target_id"))
    return visible


def _my_conflict(user):
    """The rows I may not judge: my declared conflicts of interest, and my own
    organisations' applications (always a conflict). Uncorrelated subqueries, read
    once, so the commune's rows are joined neither to the reviews nor to the
    applications for it."""
    declared = Review.objects.filter(reviewer=user, conflict_of_interest=True)
    own = Application.objects.filter(
        organisation__in=OrganisationMembership.objects.filter(user=user).values("organisation_id")
    )
    return Q(pk__in=declared.values("target_id")) | Q(application_id__in=own.values("pk"))


def _with_my_review(rows, user):
    """Join my own review (at most one per row, by the unique key) instead of a
    subquery per row."""
    return rows.annotate(
        my_review=FilteredRelation("reviews", condition=Q(reviews__reviewer=user))
    ).annotate(
        my_review_state=F("my_review__state"),
        my_conflict=ExpressionWrapper(_my_conflict(user), output_field=BooleanField()),
    )


def scored_targets(user, participation, criteria=()):
    """The participation's rows with the maintained review count and score, my
    review and the score I may see (``ranked`` adds its rank over every row,
    ``rank_rows`` the rank of a few rows)."""
    rows = _with_my_review(
        staff_targets(user)
        .filter(participation=participation)
        .select_related("application__organisation"),
        user,
    )
    visible = _visibility_condition(user, participation)
    rows = rows.annotate(
        visible_score=Case(
            When(visible, then=F("score")), default=Value(None), output_field=FloatField()
        ),
    )
    for criterion in criteria:
        rows = rows.annotate(
            **{
                f"criterion_{criterion.pk}": Case(
                    When(visible, then=computed_score(criterion.pk)),
                    default=Value(None),
                    output_field=FloatField(),
                )
            }
        )
    return rows


def ranked(rows):
    """``scored_targets`` rows with their rank by the score the viewer may see, over
    every row (a window: for exports, which read every row anyway)."""
    return rows.annotate(rank=Window(Rank(), order_by=F("visible_score").desc(nulls_last=True)))


def rank_rows(user, participation, rows):
    """Set ``rank`` on a few rows (a page): one plus the number of the commune's rows
    whose visible score is higher, whatever the filters; a row whose score is hidden
    gets no rank. Counted in one pass for the page's distinct scores, instead of
    ranking every row of the commune at each request."""
    scores = sorted({row.visible_score for row in rows} - {None}, reverse=True)
    higher = _count_higher(user, participation, scores) if scores else {}
    for row in rows:
        score = row.visible_score
        row.rank = None if score is None else 1 + higher[score]
    return rows


def _count_higher(user, participation, scores):
    """{score: number of rows whose visible score is higher}, ``scores`` descending."""
    # Only the rows above the page's lowest score can be higher than one of them: a
    # range of the (commune, score) index, short for the first pages.
    visible = (
        staff_targets(user)
        .filter(participation=participation, score__gt=scores[-1])
        .filter(_visibility_condition(user, participation))
        .order_by()
    )
    if connection.vendor != "postgresql":
        counts = visible.aggregate(
            **{f"above_{i}": Count("pk", filter=Q(score__gt=s)) for i, s in enumerate(scores)}
        )
        return {score: counts[f"above_{i}"] for i, score in enumerate(scores)}
    # One binary search per row: width_bucket(-x, [-s0, -s1, ...]) is the number of
    # the page's scores at or above x, so x is higher than s_i exactly when it is at
    # most i. A single GROUP BY over the index, whatever the number of scores.
    from django.contrib.postgres.fields import ArrayField

    bucket = Func(
        -F("score"),
        Value([-score for score in scores], output_field=ArrayField(FloatField())),
        function="width_bucket",
        output_field=IntegerField(),
    )
    per_bucket = dict(
        visible.annotate(bucket=bucket)
        .values("bucket")
        .annotate(n=Count("pk"))
        .values_list("bucket", "n")
    )
    higher, running = {}, 0
    for index, score in enumerate(scores):
        running += per_bucket.get(index, 0)
        higher[score] = running
    return higher


@dataclass
class DashboardFilters:
    """The dashboard's filters as plain values (the page reads them from the query
    string through applications.filters.DashboardFilterSet)."""

    challenge: int | None = None
    eligibility: str = ""
    reviewed_by_me: str = ""  # "yes", "no" or ""
    decision: str = ""
    q: str = ""
    sort: str = ""  # a key of SORTS; empty: by relevance when searching, else "-score"


# Long texts the dashboard never shows: left out of the rows it reads whole (when the
# rank was a window over every row of the commune, PostgreSQL sorted them with those
# texts: 60 MB spilled to disk at 100,000 applications; bench/RESULTS.md).
DASHBOARD_DEFERRED = [
    # The texts the search reads, but the reference and the title the table shows.
    *(
        f"application__{name}"
        for name in APPLICATION_TEXT_FIELDS
        if name not in {"reference", "title"}
    ),
    "application__organisation__address",
    *TARGET_TEXT_FIELDS,
    "eligibility_reason",
    "decision_motivation",
    "search_folded",
]


def dashboard_base_rows(user, participation):
    """The dashboard's rows before filters: scores and my review."""
    deferred = DASHBOARD_DEFERRED
    if connection.vendor == "postgresql":
        # The search passage comes from the database's headline there; elsewhere it
        # is cut from search_text in Python.
        deferred = [*deferred, "search_text"]
    return scored_targets(user, participation).defer(*deferred)


def dashboard_rows(user, participation, filters):
    """The dashboard's rows, filtered and sorted as ``filters`` say."""
    from applications.filters import DashboardFilterSet

    data = {k: str(v) for k, v in asdict(filters).items() if v not in (None, "")}
    return DashboardFilterSet(data, participation=participation, user=user).qs


class CountedPaginator(Paginator):
    """A paginator told its count when the caller already knows it (the dashboard's
    totals, without a filter), sparing a COUNT over the commune's rows."""

    def __init__(self, object_list, per_page, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.count = count  # Paginator.count is a cached_property: no COUNT query


def dashboard_page(user, participation, rows, number, per_page, count=None):
    """One page of the dashboard's ``rows``. The page's ids are found over narrow rows
    (no long text, no organisation, no challenge), then only those rows are read
    whole and ranked: the order needs every row of the commune, the columns shown
    only 25 of them."""
    narrow = rows.prefetch_related(None).values_list("pk", flat=True)
    page = CountedPaginator(narrow, per_page, count=count).get_page(number)
    ids = list(page.object_list)
    whole = {row.pk: row for row in rows.filter(pk__in=ids)}
    page.object_list = rank_rows(user, participation, [whole[pk] for pk in ids])
    set_challenge_titles(participation, page.object_list)
    return page


def set_challenge_titles(participation, rows):
    """``challenge_titles`` of each row (the dashboard's page, a chunk of an export):
    the titles of this commune's challenges its application takes up, in the
    commune's order. One query of titles, not a prefetch of whole challenges."""
    links = (
        Application.challenges.through.objects.filter(
            application_id__in=[row.application_id for row in rows],
            challenge__participation=participation,
        )
        .order_by("challenge__order", "challenge_id")
        .values_list("application_id", "challenge__title")
    )
    titles = {}
    for application_id, title in links:
        titles.setdefault(application_id, []).append(title)
    for row in rows:
        row.challenge_titles = titles.get(row.application_id, [])


def dashboard_totals(user, participation):
    """Counts of the whole participation, for the summary and the progress bars:
    one pass over the maintained columns (a covering index), my reviews read once
    (an uncorrelated subquery, not a join)."""
    in_review = ~Q(eligibility=Eligibility.INELIGIBLE)
    rows = staff_targets(user).filter(participation=participation)
    mine = Review.objects.filter(reviewer=user, state=Review.State.SUBMITTED)
    totals = rows.aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(eligibility=Eligibility.PENDING)),
        eligible=Count("pk", filter=Q(eligibility=Eligibility.ELIGIBLE)),
        ineligible=Count("pk", filter=Q(eligibility=Eligibility.INELIGIBLE)),
        in_review=Count("pk", filter=in_review),
        reviewed=Count("pk", filter=Q(review_count__gt=0) & in_review),
        reviewed_by_me=Count("pk", filter=in_review & Q(pk__in=mine.values("target_id"))),
        selected=Count("pk", filter=Q(decision=Decision.SELECTED)),
        waiting=Count("pk", filter=Q(decision=Decision.WAITING)),
        not_selected=Count("pk", filter=Q(decision=Decision.NOT_SELECTED)),
        # selection.undecided_targets, counted here rather than in a pass of its own
        undecided=Count("pk", filter=Q(decision=Decision.NONE) & in_review),
    )
    in_review = totals["in_review"] or 0
    totals["reviewed_percent"] = round(100 * totals["reviewed"] / in_review) if in_review else 0
    totals["mine_percent"] = round(100 * totals["reviewed_by_me"] / in_review) if in_review else 0
    return totals


def get_target(user, target_id):
    """A forged id, or another commune's row, gives 404. ``my_conflict`` spares
    the permission checks a query each."""
    return get_object_or_404(
        staff_targets(user)
        .select_related(
            "application__organisation",
            "application__call",
            "participation__commune",
            "participation__call",
            "participation__edition",
        )
        .annotate(my_conflict=ExpressionWrapper(_my_conflict(user), output_field=BooleanField())),
        pk=target_id,
    )


def target_page(user, target):
    """Everything the staff application page shows, in a constant number of queries."""
    application = target.application
    my_review = (
        Review.objects.filter(target=target, reviewer=user).prefetch_related("scores").first()
    )
    colleagues = (
        Review.objects.filter(target=target, state=Review.State.SUBMITTED)
        .exclude(reviewer=user)
        .select_related("reviewer")
        .prefetch_related("scores__criterion")
        .order_by("submitted_at")
    )
    return {
        "application": application,
        "my_review": my_review,
        "colleague_reviews": colleagues,
        "other_communes": list(
            application.targets.exclude(pk=target.pk)
            .order_by("participation__commune__name")
            .values_list("participation__commune__name", flat=True)
        ),
        "challenges": application.challenges.filter(participation=target.participation),
        "attachments": application.attachments.all(),
        "revisions": application.revisions.select_related("author").order_by("-number"),
        "notes": target.notes.select_related("author"),
        "criteria": list(target.participation.call.criteria.all()),
        "score": scored_targets(user, target.participation)
        .filter(pk=target.pk)
        .values("visible_score", "review_count")
        .first(),
    }


def call_results(call):
    """Each participating commune's state for the results page. The selected rows are
    counted as the dashboards count them (selection.selected_count), by a subquery
    over the (commune, decision) index, not by joining every row of the call."""
    return (
        Participation.objects.filter(call=call)
        .select_related("commune")
        .annotate(selected_count=_submitted_count(decision=Decision.SELECTED))
        .order_by("commune__name")
    )
