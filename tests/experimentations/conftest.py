import datetime

import pytest
from django.utils import timezone

from applications.models import ApplicationTarget
from experimentations.models import Pilot
from experimentations.services.pilots import create_pilots_for_call
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    ApplicationTargetFactory,
    CallFactory,
    MembershipFactory,
    ParticipationFactory,
    TeamMembershipFactory,
    UserFactory,
)


class PilotWorld:
    """A published call with two communes; one laureate pilot in each commune,
    a member of each laureate, the commune teams, an officer and an admin."""

    def __init__(self, laureates_per_commune=1):
        now = timezone.now()
        self.call = CallFactory(
            opens_at=now - datetime.timedelta(days=200),
            closes_at=now - datetime.timedelta(days=150),
            results_published_at=now - datetime.timedelta(days=100),
        )
        self.a = ParticipationFactory(call=self.call, quota_min=1)
        self.b = ParticipationFactory(call=self.call, quota_min=1)
        self.admin = AdminFactory()
        self.officer = UserFactory(is_staff=True)
        self.staff_a = TeamMembershipFactory(commune=self.a.commune, role="manager").user
        self.staff_b = TeamMembershipFactory(commune=self.b.commune).user
        self.outsider = UserFactory()
        self.other_candidate = MembershipFactory().user
        self.members = {}
        for participation in (self.a, self.b):
            for _ in range(laureates_per_commune):
                self.laureate(participation)
        create_pilots_for_call(self.call)
        self.pilot_a = Pilot.objects.filter(participation=self.a).order_by("pk").first()
        self.pilot_b = Pilot.objects.filter(participation=self.b).order_by("pk").first()
        self.pilot_a.officer = self.officer
        self.pilot_a.save()
        self.member_a = self.members[self.pilot_a.application.organisation_id]
        self.member_b = self.members[self.pilot_b.application.organisation_id]

    def laureate(self, participation):
        application = ApplicationFactory(call=self.call, submitted=True)
        self.members[application.organisation_id] = MembershipFactory(
            organisation=application.organisation
        ).user
        slot = participation.targets.count() + 1
        return ApplicationTargetFactory(
            application=application,
            participation=participation,
            decision=ApplicationTarget.Decision.SELECTED,
            selection_slot=slot,
        )


@pytest.fixture
def pw(db):
    return PilotWorld()
