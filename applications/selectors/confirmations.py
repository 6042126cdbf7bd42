"""What a confirmation page announces before an action that mails people or cannot be
undone: every figure is one aggregate query, whatever the number of rows."""

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from applications.models import Application, ApplicationTarget, OrganisationMembership

Decision = ApplicationTarget.Decision
Eligibility = ApplicationTarget.Eligibility


def _members_per_organisation():
    return Coalesce(
        Subquery(
            OrganisationMembership.objects.filter(
                organisation_id=OuterRef("application__organisation_id")
            )
            .order_by()
            .values("organisation_id")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


def publication_consequences(call):
    """What publishing ``call``'s results does: one e-mail per submitted application,
    commune and member of the applicant organisation (as the publication writes them);
    every selected project becomes a pilot."""
    targets = ApplicationTarget.objects.filter(
        participation__call=call, application__state=Application.State.SUBMITTED
    )
    figures = targets.annotate(members=_members_per_organisation()).aggregate(
        emails=Coalesce(Sum("members"), 0),
        decisions=Count("pk"),
        applications=Count("application", distinct=True),
        organisations=Count("application__organisation", distinct=True),
        selected=Count("pk", filter=Q(decision=Decision.SELECTED)),
        waiting=Count("pk", filter=Q(decision=Decision.WAITING)),
        not_selected=Count("pk", filter=~Q(decision__in=[Decision.SELECTED, Decision.WAITING])),
    )
    figures["communes"] = call.participations.count()
    return figures


def finalisation_consequences(participation):
    """The commune's submitted applications by the state they are finalised in."""
    rows = ApplicationTarget.objects.filter(
        participation=participation, application__state=Application.State.SUBMITTED
    )
    return rows.aggregate(
        total=Count("pk"),
        selected=Count("pk", filter=Q(decision=Decision.SELECTED)),
        waiting=Count("pk", filter=Q(decision=Decision.WAITING)),
        not_selected=Count("pk", filter=Q(decision=Decision.NOT_SELECTED)),
        ineligible=Count(
            "pk", filter=Q(decision=Decision.NONE, eligibility=Eligibility.INELIGIBLE)
        ),
        undecided=Count(
            "pk", filter=Q(decision=Decision.NONE) & ~Q(eligibility=Eligibility.INELIGIBLE)
        ),
    )
