"""Reviews: scores per criterion, drafts, submission, conflicts of interest, team notes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Review, ReviewScore, TeamNote
from applications.permissions.staff import can_add_note, can_declare_conflict, can_review
from applications.services.scores import refresh_scores


@transaction.atomic
def save_review(*, user, target, scores, comment="", recommendation="", submit=False):
    """Save my review as a draft, or submit it (every criterion scored, a recommendation).

    ``scores`` maps criterion id to an integer 0..5 (or None when not scored yet).
    A submitted review can still be corrected until the selection is locked.
    """
    review = Review.objects.select_for_update().filter(target=target, reviewer=user).first()
    if not can_review(user, target, review):
        raise PermissionDenied
    criteria = {c.pk: c for c in target.participation.call.criteria.all()}
    errors = {}
    cleaned = {}
    for criterion_id in criteria:
        value = scores.get(criterion_id)
        if value is None or value == "":
            if submit:
                errors[f"score_{criterion_id}"] = _("Notez ce critère pour soumettre.")
            continue
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= 5:
            errors[f"score_{criterion_id}"] = _("La note va de 0 à 5.")
            continue
        cleaned[criterion_id] = value
    if recommendation and recommendation not in Review.Recommendation.values:
        errors["recommendation"] = _("Choisissez une recommandation de la liste.")
    elif submit and not recommendation:
        errors["recommendation"] = _("Choisissez une recommandation pour soumettre.")
    if errors:
        raise ValidationError(errors)

    if review is None:
        review = Review(target=target, reviewer=user)
    review.comment = comment
    review.recommendation = recommendation
    # Kept in the review's history, so the audit log shows every score change.
    review.score_snapshot = {str(criteria[pk].name): value for pk, value in cleaned.items()}
    if submit:
        review.state = Review.State.SUBMITTED
        review.submitted_at = review.submitted_at or timezone.now()
    review._history_user = user
    review.save()
    ReviewScore.objects.filter(review=review).exclude(criterion_id__in=cleaned).delete()
    existing = {s.criterion_id: s for s in review.scores.all()}
    to_create, to_update = [], []
    for criterion_id, value in cleaned.items():
        score = existing.get(criterion_id)
        if score is None:
            to_create.append(ReviewScore(review=review, criterion_id=criterion_id, score=value))
        elif score.score != value:
            score.score = value
            to_update.append(score)
    ReviewScore.objects.bulk_create(to_create)
    ReviewScore.objects.bulk_update(to_update, ["score"])
    refresh_scores([target.pk])
    return review


@transaction.atomic
def declare_conflict(*, user, target, reason=""):
    """From now on the reviewer can neither review this application nor see its scores."""
    review = Review.objects.select_for_update().filter(target=target, reviewer=user).first()
    if not can_declare_conflict(user, target):
        raise PermissionDenied
    if review is None:
        review = Review(target=target, reviewer=user)
    review.conflict_of_interest = True
    review.conflict_reason = (reason or "").strip()
    review.state = Review.State.DRAFT
    review.submitted_at = None
    review.score_snapshot = {}
    review._history_user = user
    review.save()
    # A conflicted opinion must not weigh on the score.
    review.scores.all().delete()
    refresh_scores([target.pk])
    return review


@transaction.atomic
def add_note(*, user, target, body):
    if not can_add_note(user, target):
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("La note est vide.")})
    return TeamNote.objects.create(target=target, author=user, body=body)
