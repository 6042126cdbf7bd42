"""Builders for the staff-side tests (commune teams, reviews, selection, results)."""

import datetime

from django.utils import timezone

from applications.models import ApplicationTarget, Review, ReviewScore
from applications.services.scores import refresh_scores
from tests.factories import (
    ApplicationFactory,
    ApplicationTargetFactory,
    CallFactory,
    CriterionFactory,
    MembershipFactory,
    ParticipationFactory,
    TeamMembershipFactory,
)


class World:
    """A call with two communes (A and B), a reviewer and a manager for each,
    criteria weighted 2 and 1, and helpers to add applications. ``closed``: the
    call's deadline has passed, so decisions may be taken, selections finalised and
    results published; ``screened``: new applications are already screened eligible."""

    def __init__(self, hide_reviews=True, quota_min=6, quota_max=8, closed=False, screened=False):
        self.screened = screened
        deadline = {"closes_at": timezone.now() - datetime.timedelta(days=1)} if closed else {}
        self.call = CallFactory(hide_reviews_until_submitted=hide_reviews, **deadline)
        self.criteria = [
            CriterionFactory(call=self.call, name="Innovation", weight=2),
            CriterionFactory(call=self.call, name="Faisabilité", weight=1),
        ]
        self.a = ParticipationFactory(call=self.call, quota_min=quota_min, quota_max=quota_max)
        self.b = ParticipationFactory(call=self.call, quota_min=quota_min, quota_max=quota_max)
        self.reviewer_a = TeamMembershipFactory(commune=self.a.commune).user
        self.reviewer_a2 = TeamMembershipFactory(commune=self.a.commune).user
        self.manager_a = TeamMembershipFactory(commune=self.a.commune, role="manager").user
        self.reviewer_b = TeamMembershipFactory(commune=self.b.commune).user
        self.manager_b = TeamMembershipFactory(commune=self.b.commune, role="manager").user

    def application(self, *participations, members=1, eligibility=None, **fields):
        if eligibility is None and self.screened:
            eligibility = ApplicationTarget.Eligibility.ELIGIBLE
        application = ApplicationFactory(call=self.call, submitted=True, **fields)
        for _ in range(members):
            MembershipFactory(organisation=application.organisation)
        targets = [
            ApplicationTargetFactory(
                application=application,
                participation=p,
                **({"eligibility": eligibility} if eligibility else {}),
            )
            for p in (participations or (self.a,))
        ]
        return targets[0] if len(targets) == 1 else targets

    def draft(self, participation=None):
        application = ApplicationFactory(call=self.call)
        return ApplicationTargetFactory(
            application=application, participation=participation or self.a
        )

    def submitted_review(self, target, reviewer, scores, recommendation="select"):
        review = Review.objects.create(
            target=target,
            reviewer=reviewer,
            state=Review.State.SUBMITTED,
            recommendation=recommendation,
        )
        ReviewScore.objects.bulk_create(
            ReviewScore(review=review, criterion=c, score=s)
            for c, s in zip(self.criteria, scores, strict=True)
        )
        refresh_scores([target.pk])
        return review


def close_call(call):
    """Move the call's deadline into the past (decisions need a closed call)."""
    type(call).objects.filter(pk=call.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call.refresh_from_db()


def force_decision(target, decision, slot=None):
    """A decision as data, bypassing the service (e.g. taken before a rule existed)."""
    ApplicationTarget.objects.filter(pk=target.pk).update(
        decision=decision, decision_motivation="Motivation", selection_slot=slot
    )


def refresh(target):
    return ApplicationTarget.objects.select_related(
        "application", "participation__call", "participation__commune"
    ).get(pk=target.pk)
