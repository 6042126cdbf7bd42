"""The score and review count kept on each targeted commune's row.

``ApplicationTarget.score`` is Sum(score x weight) / Sum(weight) over the
row's submitted reviews without a conflict of interest; ``review_count``
counts those reviews. Every service that changes a review, a conflict or a
criterion calls ``refresh_scores`` inside its transaction, so the team
dashboard sorts and ranks on indexed columns instead of recomputing the
whole commune at each request.
"""

from django.db.models import Count, F, FloatField, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Cast, Coalesce

from applications.models import ApplicationTarget, Review, ReviewScore


def computed_score(criterion_id=None):
    """The weighted score of the outer row, computed from its reviews (a subquery)."""
    scores = ReviewScore.objects.filter(
        review__target=OuterRef("pk"),
        review__state=Review.State.SUBMITTED,
        review__conflict_of_interest=False,
    )
    if criterion_id is not None:
        scores = scores.filter(criterion_id=criterion_id)
    weighted = (
        scores.order_by()
        .values("review__target")
        .annotate(
            value=Cast(Sum(F("score") * F("criterion__weight")), FloatField())
            / Cast(Sum("criterion__weight"), FloatField())
        )
        .values("value")
    )
    return Subquery(weighted, output_field=FloatField())


def computed_review_count():
    counted = (
        Review.objects.filter(target=OuterRef("pk"), state=Review.State.SUBMITTED)
        .order_by()
        .values("target")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def refresh_scores(targets):
    """Recompute the score and review count of ``targets`` (a queryset, or row ids)
    in one UPDATE. Returns the number of rows updated."""
    if not isinstance(targets, QuerySet):
        targets = ApplicationTarget.objects.filter(pk__in=list(targets))
    return targets.order_by().update(score=computed_score(), review_count=computed_review_count())


def refresh_call_scores(call_id):
    """After a criterion's weight changes: every row of the call, in one UPDATE."""
    return refresh_scores(ApplicationTarget.objects.filter(participation__call_id=call_id))


def stale_targets(targets):
    """Rows whose maintained score differs from the computed one (for checks and tests)."""
    annotated = targets.annotate(fresh_score=computed_score(), fresh_count=computed_review_count())
    return [
        row
        for row in annotated
        if row.review_count != row.fresh_count
        or (row.score is None) != (row.fresh_score is None)
        or (row.score is not None and abs(row.score - row.fresh_score) > 1e-9)
    ]
