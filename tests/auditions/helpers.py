"""Builders for the audition tests: a closed call with two communes (World), shortlisted
and invited applications, slots."""

import datetime

from django.utils import timezone

from auditions.models import AuditionSlot, ShortlistEntry
from tests.applications.staff_helpers import World


def world():
    return World(quota_min=1, quota_max=3, closed=True, screened=True)


def member_of(target):
    return target.application.organisation.members.first()


def invited(world, participation=None, count=1):
    """``count`` applications of the commune, shortlisted and invited (no mail queued)."""
    participation = participation or world.a
    entries = []
    for _ in range(count):
        target = world.application(participation)
        entries.append(
            ShortlistEntry.objects.create(
                target=target, added_by=world.manager_a, invited_at=timezone.now()
            )
        )
    return entries


def slot(participation, hours=72, minutes=30, place="Mairie, salle 2", video_url=""):
    return AuditionSlot.objects.create(
        participation=participation,
        starts_at=timezone.now() + datetime.timedelta(hours=hours),
        duration_minutes=minutes,
        place=place,
        video_url=video_url,
    )
