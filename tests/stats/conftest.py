"""A small data set whose every figure is counted by hand in the tests.

Edition QMI2 (call closing 17 March 2025 at 23:59 Paris), communes Alpha and Beta:

- app1 (O1, start-up), submitted 10/03, targets Alpha (eligible, one submitted review,
  selected) and Beta (eligible, a reviewer declared a conflict);
- app2 (O2, start-up), submitted 17/03 at 23:30, targets Alpha (eligible, a draft review);
- app3 (O3, association), submitted 15/03 at 00:30 (14/03 in UTC), targets Beta (ineligible);
- app4 (O4, SME), withdrawn, targets Alpha;
- app5 (O5, start-up), draft, targets Alpha.

Edition QMI1 (previous; call closing 20 March 2024 at 23:59 Paris): two applications
submitted on 19 and 20 March. Three accounts were created while the QMI2 call was open.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import User
from applications.models import Application, Organisation, Review
from calls.models import Tag
from experimentations.models import Outcome, Pilot, Survey, SurveyAnswer, SurveyRecipient
from tests.factories import (
    ApplicationFactory,
    ApplicationTargetFactory,
    CallFactory,
    ChallengeFactory,
    CommuneFactory,
    EditionFactory,
    OrganisationFactory,
    ParticipationFactory,
    TeamMembershipFactory,
    UserFactory,
)

PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


@dataclass
class Programme:
    edition: object
    previous: object
    call: object
    alpha: object
    beta: object
    pa: object
    pb: object
    apps: dict
    targets: dict
    reviewers: dict
    manager_alpha: object


def submit(app, when):
    app.state = Application.State.SUBMITTED
    app.submitted_at = when
    app.reference = app.reference or f"S-{app.pk:05d}"
    app.save()
    return app


@pytest.fixture
def programme(db):
    previous = EditionFactory(number=1, code="QMI1", name="Première édition", slug="qmi1")
    edition = EditionFactory(number=2, code="QMI2", name="Deuxième édition", slug="qmi2")
    call = CallFactory(
        edition=edition,
        title="Appel QMI2",
        slug="appel-qmi2",
        opens_at=paris(2025, 3, 1, 10, 0),
        closes_at=paris(2025, 3, 17, 23, 59),
        published_at=paris(2025, 2, 20, 10, 0),
    )
    alpha = CommuneFactory(name="Alpha", slug="alpha", insee_code="95018")
    beta = CommuneFactory(name="Beta", slug="beta", insee_code="92040")
    pa = ParticipationFactory(call=call, commune=alpha)
    pb = ParticipationFactory(call=call, commune=beta)
    mobility = Tag.objects.create(name="Mobilité", slug="mobilite")
    waste = Tag.objects.create(name="Déchets", slug="dechets")
    nature = Tag.objects.create(name="Nature en ville", slug="nature")
    ch_a1 = ChallengeFactory(participation=pa, title="Mobilité douce")
    ch_a1.tags.add(mobility)
    ch_a2 = ChallengeFactory(participation=pa, title="Moins de déchets")
    ch_a2.tags.add(waste)
    ch_b1 = ChallengeFactory(participation=pb, title="Îlots de fraîcheur")
    ch_b1.tags.add(mobility, nature)

    def org(name, kind):
        return OrganisationFactory(name=name, kind=kind)

    kinds = Organisation.Kind
    app1 = ApplicationFactory(call=call, organisation=org("O1", kinds.STARTUP), title="Projet 1")
    app2 = ApplicationFactory(call=call, organisation=org("O2", kinds.STARTUP), title="Projet 2")
    app3 = ApplicationFactory(
        call=call, organisation=org("O3", kinds.ASSOCIATION), title="Projet 3"
    )
    app4 = ApplicationFactory(call=call, organisation=org("O4", kinds.SME), title="Projet 4")
    app5 = ApplicationFactory(call=call, organisation=org("O5", kinds.STARTUP), title="Projet 5")
    submit(app1, paris(2025, 3, 10, 12, 0))
    submit(app2, paris(2025, 3, 17, 23, 30))
    submit(app3, paris(2025, 3, 15, 0, 30))
    submit(app4, paris(2025, 3, 12, 9, 0))
    app4.state = Application.State.WITHDRAWN
    app4.withdrawn_at = paris(2025, 3, 13, 9, 0)
    app4.save()
    app1.challenges.add(ch_a1, ch_b1)
    app2.challenges.add(ch_a1, ch_a2)
    app3.challenges.add(ch_b1)
    app4.challenges.add(ch_a2)

    t = {}
    t["1a"] = ApplicationTargetFactory(
        application=app1,
        participation=pa,
        eligibility="eligible",
        decision="selected",
        selection_slot=1,
    )
    t["1b"] = ApplicationTargetFactory(application=app1, participation=pb, eligibility="eligible")
    t["2a"] = ApplicationTargetFactory(application=app2, participation=pa, eligibility="eligible")
    t["3b"] = ApplicationTargetFactory(application=app3, participation=pb, eligibility="ineligible")
    t["4a"] = ApplicationTargetFactory(application=app4, participation=pa)
    t["5a"] = ApplicationTargetFactory(application=app5, participation=pa)

    r1 = TeamMembershipFactory(commune=alpha, user__full_name="Rémi Un").user
    r2 = TeamMembershipFactory(commune=alpha, user__full_name="Rose Deux").user
    r3 = TeamMembershipFactory(commune=beta, user__full_name="Raoul Trois").user
    manager_alpha = TeamMembershipFactory(
        commune=alpha, role="manager", user__full_name="Marie Gère"
    ).user
    Review.objects.create(
        target=t["1a"], reviewer=r1, state=Review.State.SUBMITTED, submitted_at=timezone.now()
    )
    Review.objects.create(target=t["2a"], reviewer=r2)
    Review.objects.create(target=t["1b"], reviewer=r3, conflict_of_interest=True)

    # The previous edition: two applications, 1 day and 0 days before its deadline.
    old_call = CallFactory(
        edition=previous,
        slug="appel-qmi1",
        opens_at=paris(2024, 3, 1, 10, 0),
        closes_at=paris(2024, 3, 20, 23, 59),
        published_at=paris(2024, 2, 1),
    )
    old_pa = ParticipationFactory(call=old_call, commune=alpha)
    for day in (19, 20):
        old = ApplicationFactory(call=old_call, title=f"Ancien {day}")
        submit(old, paris(2024, 3, day, 15, 0))
        ApplicationTargetFactory(application=old, participation=old_pa)

    # Accounts: three created while the QMI2 call was open, the others before.
    User.objects.update(date_joined=paris(2024, 1, 1))
    for day in (1, 5, 17):
        UserFactory(email=f"new{day}@example.org")
        User.objects.filter(email=f"new{day}@example.org").update(
            date_joined=paris(2025, 3, day, 12, 0)
        )
    UserFactory(email="after@example.org")
    User.objects.filter(email="after@example.org").update(date_joined=paris(2025, 3, 18, 1, 0))

    return Programme(
        edition=edition,
        previous=previous,
        call=call,
        alpha=alpha,
        beta=beta,
        pa=pa,
        pb=pb,
        apps={1: app1, 2: app2, 3: app3, 4: app4, 5: app5},
        targets=t,
        reviewers={"r1": r1, "r2": r2, "r3": r3},
        manager_alpha=manager_alpha,
    )


@pytest.fixture
def after_deadline(time_machine):
    time_machine.move_to(paris(2025, 4, 1, 12, 0), tick=False)


@pytest.fixture
def published(programme, after_deadline):
    programme.call.results_published_at = paris(2025, 3, 31, 12, 0)
    programme.call.save()
    return programme


@pytest.fixture
def with_pilots(published):
    """After the results: app1 runs its pilot in Alpha; app6 (O6, start-up), selected in
    Beta, completed its pilot and Beta goes on with it. QMI2's survey is closed with five
    organisation answers, four of them satisfied (4 or 5 out of 5): 80 %."""
    p = published
    Pilot.objects.create(
        application=p.apps[1],
        participation=p.pa,
        state=Pilot.State.RUNNING,
        planned_start=datetime.date(2025, 5, 1),
        actual_start=datetime.date(2025, 5, 12),
    )
    app6 = ApplicationFactory(
        call=p.call, organisation=OrganisationFactory(name="O6"), title="Projet 6"
    )
    submit(app6, paris(2025, 3, 16, 10, 0))
    t6 = ApplicationTargetFactory(
        application=app6,
        participation=p.pb,
        eligibility="eligible",
        decision="selected",
        selection_slot=1,
    )
    p.apps[6] = app6
    p.targets["6b"] = t6
    done = Pilot.objects.create(
        application=app6,
        participation=p.pb,
        state=Pilot.State.COMPLETED,
        planned_start=datetime.date(2025, 4, 1),
        planned_end=datetime.date(2025, 9, 30),
        actual_start=datetime.date(2025, 4, 2),
        actual_end=datetime.date(2025, 10, 15),
    )
    Outcome.objects.create(pilot=done, continued=Outcome.Continued.YES, form="partnership")
    survey = Survey.objects.create(
        edition=p.edition,
        title="Enquête QMI2",
        opens_at=paris(2025, 3, 20),
        closes_at=paris(2025, 3, 30),
    )
    for index, value in enumerate([5, 4, 4, 5, 2]):
        recipient = SurveyRecipient.objects.create(
            survey=survey, organisation=OrganisationFactory(name=f"Répondant {index}")
        )
        SurveyAnswer.objects.create(
            recipient=recipient, satisfaction=value, recommendation=8, continued="yes"
        )
    # A recipient who never answered.
    SurveyRecipient.objects.create(survey=survey, organisation=OrganisationFactory())
    return p
