"""Reads of communes and their teams."""

from django.db.models import Count, Q
from django.utils import timezone

from communes.models import Commune, TeamInvitation, TeamMembership


def backoffice_communes(now=None):
    now = now or timezone.now()
    return Commune.objects.annotate(
        member_count=Count("team", distinct=True),
        pending_invitation_count=Count(
            "invitations",
            filter=Q(invitations__accepted_at__isnull=True, invitations__expires_at__gt=now),
            distinct=True,
        ),
    ).order_by("name")


def commune_team(commune):
    members = TeamMembership.objects.filter(commune=commune).select_related("user")
    invitations = TeamInvitation.objects.filter(commune=commune).select_related(
        "invited_by", "accepted_by"
    )
    return list(members.order_by("user__email")), list(invitations)
