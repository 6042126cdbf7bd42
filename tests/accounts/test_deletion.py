"""Account deletion: when it is refused, and what remains afterwards."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.services import delete_account, deletion_blockers
from applications.models import Application, Organisation, OrganisationMembership, Review
from experimentations.models import Pilot
from notifications.models import AlertSubscription
from privacy.models import PurgeRecord
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    ApplicationTargetFactory,
    CommuneFactory,
    MembershipFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
OWNER, MEMBER = OrganisationMembership.Role.OWNER, OrganisationMembership.Role.MEMBER


def reauthenticated(client, user):
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def test_last_owner_of_an_organisation_with_a_submitted_application_is_refused(client):
    owner = MembershipFactory(role=OWNER)
    MembershipFactory(organisation=owner.organisation, role=MEMBER)
    ApplicationFactory(organisation=owner.organisation, submitted=True)
    reauthenticated(client, owner.user)
    page = client.get(reverse("accounts:delete_account"))
    assert "Transférez d’abord la propriété" in page.content.decode()
    assert owner.organisation.name in page.content.decode()
    client.post(reverse("accounts:delete_account"), {"confirm": "yes"})
    assert User.objects.filter(pk=owner.user.pk).exists()


def test_last_owner_of_an_organisation_running_a_pilot_is_refused():
    owner = MembershipFactory(role=OWNER)
    target = ApplicationTargetFactory(application__organisation=owner.organisation)
    Application.objects.filter(pk=target.application.pk).update(state="withdrawn")
    Pilot.objects.create(
        application=target.application, participation=target.participation, state="running"
    )
    assert deletion_blockers(owner.user) == [owner.organisation]
    Pilot.objects.update(state="completed")
    Application.objects.update(state="draft")
    assert deletion_blockers(owner.user) == []


def test_one_of_two_owners_may_delete_and_the_application_stays_without_them(client):
    me = MembershipFactory(role=OWNER)
    organisation = me.organisation
    other = MembershipFactory(organisation=organisation, role=OWNER)
    Organisation.objects.filter(pk=organisation.pk).update(
        contact_name="Moi", contact_email=me.user.email, contact_phone="0102030405"
    )
    application = ApplicationFactory(organisation=organisation, submitted=True, created_by=me.user)
    AlertSubscription.objects.create(email=me.user.email, commune=CommuneFactory())

    reauthenticated(client, me.user)
    response = client.post(reverse("accounts:delete_account"), {"confirm": "yes"})
    assert response.status_code == 302, (response.context["error"], response.context["blockers"])
    assert response["Location"] == reverse("home")
    assert not User.objects.filter(email=me.user.email).exists()
    application.refresh_from_db()
    assert application.created_by is None
    organisation.refresh_from_db()
    assert (organisation.contact_name, organisation.contact_email, organisation.contact_phone) == (
        "",
        "",
        "",
    )
    assert list(organisation.memberships.all()) == [other]
    assert not AlertSubscription.objects.exists()
    assert PurgeRecord.objects.get().kind == PurgeRecord.Kind.ACCOUNT_DELETED
    # Logged out.
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_an_organisation_with_only_drafts_keeps_an_owner_or_goes_with_its_last_member():
    me = MembershipFactory(role=OWNER)
    shared = me.organisation
    member = MembershipFactory(organisation=shared, role=MEMBER)
    ApplicationFactory(organisation=shared)
    mine_alone = MembershipFactory(user=me.user, role=OWNER).organisation
    ApplicationFactory(organisation=mine_alone)

    delete_account(me.user)
    member.refresh_from_db()
    assert member.role == OWNER
    assert Application.objects.filter(organisation=shared).count() == 1
    assert not Organisation.objects.filter(pk=mine_alone.pk).exists()
    assert not Application.objects.filter(organisation_id=mine_alone.pk).exists()


def test_deletion_needs_the_ticked_confirmation(client):
    user = UserFactory()
    reauthenticated(client, user)
    response = client.post(reverse("accounts:delete_account"), {})
    assert response.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()


def test_deletion_asks_for_the_password_again(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:delete_account"), {"confirm": "yes"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=user.pk).exists()


def test_a_reviewer_s_reviews_stay_signed_by_a_deleted_account():
    review = ReviewFactory()
    reviewer = review.reviewer
    delete_account(reviewer)
    review.refresh_from_db()
    assert Review.objects.filter(pk=review.pk).exists()
    reviewer.refresh_from_db()
    assert reviewer.email.startswith("compte-supprime-")
    assert reviewer.full_name == "" and not reviewer.is_active
    assert not reviewer.has_usable_password()
