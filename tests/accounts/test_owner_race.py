"""Two owners of an organisation step down at the same instant (PostgreSQL, real
concurrency: each thread has its own connection): the row lock keeps one owner."""

import threading

import pytest
from django.db import connection

from applications.models import OrganisationMembership
from applications.services import organisations
from applications.services.organisations import MembershipError
from tests.factories import MembershipFactory, OrganisationFactory

OWNER, MEMBER = OrganisationMembership.Role.OWNER, OrganisationMembership.Role.MEMBER

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so nothing races",
    ),
]

ROUNDS = 5


def race(*actions):
    """Run the actions at once (a barrier), each in its own thread and connection;
    return what each raised (None when it succeeded)."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            action()
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return outcomes


def two_owners():
    organisation = OrganisationFactory()
    first = MembershipFactory(organisation=organisation, role=OWNER)
    second = MembershipFactory(organisation=organisation, role=OWNER)
    MembershipFactory(organisation=organisation, role=MEMBER)
    return organisation, first, second


def owners(organisation):
    return list(organisation.memberships.filter(role=OWNER).values_list("user_id", flat=True))


def test_two_owners_leaving_at_once_leave_one_owner():
    for _round in range(ROUNDS):
        organisation, first, second = two_owners()
        outcomes = race(
            lambda o=organisation, m=first: organisations.leave_organisation(
                organisation=o, user=m.user
            ),
            lambda o=organisation, m=second: organisations.leave_organisation(
                organisation=o, user=m.user
            ),
        )
        assert len(owners(organisation)) == 1
        failures = [o for o in outcomes if o is not None]
        assert len(failures) == 1 and isinstance(failures[0], MembershipError), outcomes


def test_two_owners_removing_each_other_at_once_leave_one_owner():
    for _round in range(ROUNDS):
        organisation, first, second = two_owners()
        outcomes = race(
            lambda o=organisation, a=first, b=second: organisations.remove_member(
                organisation=o, by=a.user, membership_id=b.pk
            ),
            lambda o=organisation, a=first, b=second: organisations.remove_member(
                organisation=o, by=b.user, membership_id=a.pk
            ),
        )
        assert len(owners(organisation)) == 1, outcomes
        assert sum(o is None for o in outcomes) == 1, outcomes


def test_one_leaves_while_the_other_hands_over_an_owner_remains():
    for _round in range(ROUNDS):
        organisation, first, second = two_owners()
        member = organisation.memberships.get(role=MEMBER)
        race(
            lambda o=organisation, a=first: organisations.leave_organisation(
                organisation=o, user=a.user
            ),
            lambda o=organisation, b=second, m=member: organisations.transfer_ownership(
                organisation=o, by=b.user, membership_id=m.pk
            ),
        )
        assert len(owners(organisation)) >= 1
