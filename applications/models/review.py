from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models.application import ApplicationTarget
from calls.models import Criterion

# What each score means, shown next to every criterion of the review form.
SCORE_LEVELS = [
    (0, _("0 – absent ou hors sujet")),
    (1, _("1 – très insuffisant")),
    (2, _("2 – insuffisant")),
    (3, _("3 – satisfaisant")),
    (4, _("4 – bon")),
    (5, _("5 – excellent")),
]


class Review(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("soumise")

    class Recommendation(models.TextChoices):
        SELECT = "select", _("à retenir")
        MAYBE = "maybe", _("à discuter")
        NO = "no", _("à écarter")

    target = models.ForeignKey(ApplicationTarget, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    comment = models.TextField(_("commentaire"), blank=True)
    recommendation = models.CharField(
        _("recommandation"), max_length=8, choices=Recommendation.choices, blank=True
    )
    # A declared conflict of interest: from then on the reviewer can neither
    # review the application nor see its scores.
    conflict_of_interest = models.BooleanField(_("conflit d'intérêts"), default=False)
    conflict_reason = models.TextField(_("nature du conflit"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The scores by criterion name as last saved: kept in each historical
    # version, so the audit log shows every change of a submitted review.
    score_snapshot = models.JSONField(_("notes"), default=dict, blank=True, editable=False)
    # Audit log: submitted reviews, their later changes and declared conflicts.
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        constraints = [
            models.UniqueConstraint(fields=["target", "reviewer"], name="one_review_per_reviewer"),
            models.CheckConstraint(
                condition=~(Q(state="submitted") & Q(conflict_of_interest=True)),
                name="no_submitted_review_with_conflict",
            ),
        ]
        indexes = [
            # "My review" of each row of a dashboard, its totals and its ranks: a
            # reviewer's thousands of reviews read from the index alone.
            models.Index(
                fields=["reviewer", "target"],
                include=["id", "state", "conflict_of_interest"],
                name="review_of_reviewer_cover",
            )
        ]

    def __str__(self):
        return f"{self.reviewer} – {self.target}"

    @property
    def is_submitted(self):
        return self.state == self.State.SUBMITTED


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("note"), validators=[MaxValueValidator(5)])

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(condition=Q(score__lte=5), name="score_between_0_and_5"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class TeamNote(models.Model):
    """A private note of a commune team on an application."""

    target = models.ForeignKey(ApplicationTarget, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("texte de la note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("note d'équipe")
        verbose_name_plural = _("notes d'équipe")
        ordering = ["created_at"]

    def __str__(self):
        return self.body[:80]


class ReviewAssignment(models.Model):
    """A manager asks one team member to review one application for the commune."""

    target = models.ForeignKey(
        ApplicationTarget, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        ordering = ["assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "reviewer"], name="one_assignment_per_reviewer"
            )
        ]

    def __str__(self):
        return f"{self.reviewer} – {self.target}"
