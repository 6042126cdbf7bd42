"""Reads of the assignments: per-reviewer progress, my pending assignments."""

from django.db.models import Count, Exists, OuterRef, Q, Window

from applications.models import Review, ReviewAssignment
from applications.selectors.staff import staff_targets
from applications.services.assignments import in_review, team_members

MY_ASSIGNMENTS_SHOWN = 10


def reviewer_progress(participation):
    """One line per team member: assigned rows in review, of which reviewed. Two queries."""
    submitted = Review.objects.filter(
        target=OuterRef("target"), reviewer=OuterRef("reviewer"), state=Review.State.SUBMITTED
    )
    counts = {
        row["reviewer"]: row
        for row in ReviewAssignment.objects.filter(target__in=in_review(participation))
        .values("reviewer")
        .annotate(assigned=Count("pk"), done=Count("pk", filter=Q(Exists(submitted))))
    }
    lines = []
    for member in team_members(participation):
        row = counts.get(member.pk, {"assigned": 0, "done": 0})
        assigned, done = row["assigned"], row["done"]
        lines.append(
            {
                "reviewer": member,
                "assigned": assigned,
                "done": done,
                "percent": round(100 * done / assigned) if assigned else 0,
            }
        )
    return lines


def my_pending_assignments(user, participation):
    """(first rows, total) of the rows assigned to me that I have not reviewed yet, in
    one query: the total is a window over the rows before the LIMIT."""
    mine = (
        staff_targets(user)
        .filter(participation=participation, assignments__reviewer=user)
        .exclude(eligibility="ineligible")
        .exclude(
            Exists(
                Review.objects.filter(target=OuterRef("pk"), reviewer=user).filter(
                    Q(state=Review.State.SUBMITTED) | Q(conflict_of_interest=True)
                )
            )
        )
        .select_related("application")
        .annotate(pending_total=Window(Count("pk")))
        .order_by("application_reference")
    )
    rows = list(mine[:MY_ASSIGNMENTS_SHOWN])
    return rows, rows[0].pending_total if rows else 0


def target_assignments(target):
    return list(target.assignments.select_related("reviewer").order_by("reviewer__full_name"))
