"""Organisation members: owners remove and hand over, members leave, one owner always."""

import pytest
from django.urls import reverse

from applications.models import OrganisationMembership
from applications.services import organisations
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
OWNER, MEMBER = OrganisationMembership.Role.OWNER, OrganisationMembership.Role.MEMBER


@pytest.fixture
def team():
    organisation = OrganisationFactory()
    owner = MembershipFactory(organisation=organisation, role=OWNER)
    member = MembershipFactory(organisation=organisation, role=MEMBER)
    return organisation, owner, member


def test_owner_removes_a_member_and_it_is_recorded(client, team):
    organisation, owner, member = team
    client.force_login(owner.user)
    response = client.post(
        reverse("applications:member_remove", args=[organisation.pk]),
        {"membership": member.pk},
    )
    assert response.status_code == 302
    assert not organisation.memberships.filter(pk=member.pk).exists()
    removal = OrganisationMembership.history.filter(id=member.pk, history_type="-").get()
    assert removal.history_user == owner.user


def test_a_member_cannot_remove_anyone(client, team):
    organisation, owner, member = team
    client.force_login(member.user)
    response = client.post(
        reverse("applications:member_remove", args=[organisation.pk]), {"membership": owner.pk}
    )
    assert response.status_code == 403
    assert organisation.memberships.count() == 2


def test_owner_transfers_ownership_and_becomes_a_member(client, team):
    organisation, owner, member = team
    client.force_login(owner.user)
    client.post(
        reverse("applications:ownership_transfer", args=[organisation.pk]),
        {"membership": member.pk},
    )
    owner.refresh_from_db()
    member.refresh_from_db()
    assert (owner.role, member.role) == (MEMBER, OWNER)
    assert OrganisationMembership.history.filter(id=member.pk, role=OWNER).exists()


def test_a_member_leaves(client, team):
    organisation, owner, member = team
    client.force_login(member.user)
    response = client.post(reverse("applications:organisation_leave", args=[organisation.pk]))
    assert response["Location"] == reverse("applications:my_applications")
    assert list(organisation.memberships.all()) == [owner]


def test_the_last_owner_cannot_leave_but_can_after_a_transfer(client, team):
    organisation, owner, member = team
    client.force_login(owner.user)
    response = client.post(
        reverse("applications:organisation_leave", args=[organisation.pk]), follow=True
    )
    assert "transférez" in response.content.decode()
    assert organisation.memberships.filter(pk=owner.pk).exists()
    # Removing oneself is leaving: refused the same way.
    with pytest.raises(organisations.MembershipError):
        organisations.remove_member(
            organisation=organisation, by=owner.user, membership_id=owner.pk
        )

    organisations.transfer_ownership(
        organisation=organisation, by=owner.user, membership_id=member.pk
    )
    organisations.leave_organisation(organisation=organisation, user=owner.user)
    assert list(organisation.memberships.values_list("role", flat=True)) == [OWNER]


def test_one_of_two_owners_may_leave(team):
    organisation, owner, member = team
    member.role = OWNER
    member.save()
    organisations.leave_organisation(organisation=organisation, user=owner.user)
    assert organisation.memberships.filter(role=OWNER).count() == 1


def test_forged_membership_ids_are_refused_without_error(client, team):
    organisation, owner, _member = team
    other = MembershipFactory()
    client.force_login(owner.user)
    for value in ["abc", "²", str(10**30), str(other.pk)]:
        response = client.post(
            reverse("applications:member_remove", args=[organisation.pk]), {"membership": value}
        )
        assert response.status_code == 302
    assert other.organisation.memberships.count() == 1
    assert organisation.memberships.count() == 2


def test_organisation_page_offers_the_actions_to_owners_only(client, team):
    organisation, owner, member = team
    client.force_login(owner.user)
    html = client.get(reverse("applications:organisation_detail", args=[organisation.pk]))
    assert "Retirer" in html.content.decode()
    client.force_login(member.user)
    html = client.get(reverse("applications:organisation_detail", args=[organisation.pk]))
    assert "Retirer" not in html.content.decode()
    assert "Quitter l" in html.content.decode()
