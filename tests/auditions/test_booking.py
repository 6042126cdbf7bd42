"""Shortlist, slots, invitations, bookings (one per company, one company per slot) and
declines."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from auditions import services
from auditions.models import Booking, ShortlistEntry
from notifications.models import OutboxMessage
from tests.auditions.helpers import invited, member_of, slot, world
from tests.factories import AdminFactory, MembershipFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


# -- shortlist ------------------------------------------------------------------------


def test_a_manager_shortlists_and_unshortlists_from_the_application_page(client, w):
    target = w.application(w.a)
    client.force_login(w.manager_a)
    url = reverse("auditions:toggle_shortlist", args=[target.pk])
    assert client.post(url, {"action": "add"}).status_code == 302
    assert ShortlistEntry.objects.filter(target=target).exists()
    page = plain(client.get(reverse("staff:application", args=[target.pk])).content.decode())
    assert "Présélectionnée ; pas encore invitée." in page
    assert client.post(url, {"action": "remove"}).status_code == 302
    assert not ShortlistEntry.objects.filter(target=target).exists()


def test_reviewers_cannot_shortlist_and_other_communes_get_404(client, w):
    target = w.application(w.a)
    url = reverse("auditions:toggle_shortlist", args=[target.pk])
    client.force_login(w.reviewer_a)
    assert client.post(url).status_code == 403
    client.force_login(w.manager_b)
    assert client.post(url).status_code == 404
    assert not ShortlistEntry.objects.exists()
    client.force_login(AdminFactory())
    assert client.post(url).status_code == 302
    assert ShortlistEntry.objects.filter(target=target).exists()


def test_ineligible_or_conflicted_applications_cannot_be_shortlisted(w):
    ineligible = w.application(w.a, eligibility="ineligible")
    with pytest.raises(PermissionDenied):
        services.add_to_shortlist(user=w.manager_a, target=ineligible)
    conflicted = w.application(w.a)
    MembershipFactory(organisation=conflicted.application.organisation, user=w.manager_a)
    with pytest.raises(PermissionDenied):
        services.add_to_shortlist(user=w.manager_a, target=conflicted)


def test_an_invited_application_stays_shortlisted(w):
    (entry,) = invited(w)
    with pytest.raises(ValidationError):
        services.remove_from_shortlist(user=w.manager_a, target=entry.target)
    assert ShortlistEntry.objects.filter(pk=entry.pk).exists()


# -- slots --------------------------------------------------------------------------------


def test_slots_need_a_future_start_and_a_place_or_a_link(client, w):
    client.force_login(w.manager_a)
    url = reverse("auditions:add_slot", args=[w.a.pk])
    future = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post(
        url, {"starts_at": future.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 30}
    )
    assert response.status_code == 400
    assert "Indiquez un lieu ou un lien de visioconférence" in plain(response.content.decode())
    past = timezone.localtime() - datetime.timedelta(hours=1)
    response = client.post(
        url,
        {"starts_at": past.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 30, "place": "Mairie"},
    )
    assert response.status_code == 400
    assert "doit commencer dans le futur" in plain(response.content.decode())
    response = client.post(
        url,
        {
            "starts_at": future.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "video_url": "https://visio.example.org/qmi",
        },
    )
    assert response.status_code == 302
    created = w.a.audition_slots.get()
    assert created.duration_minutes == 45 and created.video_url == "https://visio.example.org/qmi"


def test_reviewers_see_the_schedule_but_do_not_manage_it(client, w):
    booked = slot(w.a)
    (entry,) = invited(w)
    Booking.objects.create(slot=booked, entry=entry)
    client.force_login(w.reviewer_a)
    page = plain(client.get(reverse("auditions:schedule", args=[w.a.pk])).content.decode())
    assert entry.target.application.reference in page
    assert "Ajouter un créneau" not in page
    assert client.post(reverse("auditions:add_slot", args=[w.a.pk])).status_code == 403
    assert client.post(reverse("auditions:invite", args=[w.a.pk])).status_code == 403


def test_a_booked_slot_cannot_be_deleted(client, w):
    booked, free = slot(w.a), slot(w.a, hours=80)
    (entry,) = invited(w)
    Booking.objects.create(slot=booked, entry=entry)
    client.force_login(w.manager_a)
    client.post(reverse("auditions:delete_slot", args=[booked.pk]))
    client.post(reverse("auditions:delete_slot", args=[free.pk]))
    assert list(w.a.audition_slots.all()) == [booked]


# -- invitations ------------------------------------------------------------------------


def test_invitations_go_once_to_each_member_and_need_a_free_slot(w):
    target = w.application(w.a, members=2)
    services.add_to_shortlist(user=w.manager_a, target=target)
    with pytest.raises(ValidationError):
        services.invite_shortlisted(user=w.manager_a, participation=w.a)
    slot(w.a)
    assert services.invite_shortlisted(user=w.manager_a, participation=w.a) == 1
    assert services.invite_shortlisted(user=w.manager_a, participation=w.a) == 0
    messages = OutboxMessage.objects.filter(kind="audition_invitation")
    assert messages.count() == 2
    assert set(messages.values_list("recipient_email", flat=True)) == {
        u.email for u in target.application.organisation.members.all()
    }
    with pytest.raises(PermissionDenied):
        services.invite_shortlisted(user=w.manager_b, participation=w.a)


# -- booking -----------------------------------------------------------------------------


def test_a_member_books_a_slot_and_sees_it_on_the_application_page(client, w):
    chosen = slot(w.a, place="Mairie d'Argenteuil")
    (entry,) = invited(w)
    member = member_of(entry.target)
    client.force_login(member)
    page = client.get(reverse("applications:detail", args=[entry.target.application_id]))
    assert reverse("auditions:respond", args=[entry.pk]) in page.content.decode()
    response = client.post(reverse("auditions:book", args=[entry.pk]), {"slot": chosen.pk})
    assert response.status_code == 302
    booking = Booking.objects.get(entry=entry)
    assert booking.slot == chosen and booking.booked_by == member
    page = plain(
        client.get(
            reverse("applications:detail", args=[entry.target.application_id])
        ).content.decode()
    )
    assert "Mairie d'Argenteuil" in page
    assert reverse("auditions:calendar_file", args=[entry.pk]) in page
    assert OutboxMessage.objects.filter(kind="audition_booked", object_id=booking.pk).count() == 1


def test_one_booking_per_company(w):
    first, second = slot(w.a), slot(w.a, hours=80)
    (entry,) = invited(w)
    member = member_of(entry.target)
    services.book(user=member, entry=entry, slot_id=first.pk)
    with pytest.raises(ValidationError, match="déjà réservée"):
        services.book(user=member, entry=entry, slot_id=second.pk)
    assert Booking.objects.filter(entry=entry).count() == 1
    assert not Booking.objects.filter(slot=second).exists()


def test_never_two_companies_in_one_slot(client, w):
    only = slot(w.a)
    one, two = invited(w, count=2)
    services.book(user=member_of(one.target), entry=one, slot_id=only.pk)
    with pytest.raises(services.SlotTaken):
        services.book(user=member_of(two.target), entry=two, slot_id=only.pk)
    # Through the page: a clear message, not a 500.
    client.force_login(member_of(two.target))
    response = client.post(reverse("auditions:book", args=[two.pk]), {"slot": only.pk})
    assert response.status_code == 400
    assert "plus libre" in plain(response.content.decode())
    assert Booking.objects.filter(slot=only).get().entry == one


def test_a_past_slot_or_another_communes_slot_cannot_be_booked(w):
    past = slot(w.a, hours=1)
    elsewhere = slot(w.b)
    (entry,) = invited(w)
    member = member_of(entry.target)
    with pytest.raises(ValidationError):
        services.book(user=member, entry=entry, slot_id=elsewhere.pk)
    type(past).objects.filter(pk=past.pk).update(starts_at=timezone.now())
    with pytest.raises(services.SlotTaken):
        services.book(user=member, entry=entry, slot_id=past.pk)
    assert not Booking.objects.exists()


def test_only_invited_shortlisted_companies_may_book(client, w):
    free = slot(w.a)
    target = w.application(w.a)
    member = member_of(target)
    client.force_login(member)
    # Not shortlisted: nothing to book.
    page = client.get(reverse("applications:detail", args=[target.application_id]))
    assert 'id="auditions"' not in page.content.decode()
    # Shortlisted but not invited yet: the invitation page does not exist for it.
    entry = ShortlistEntry.objects.create(target=target)
    assert client.get(reverse("auditions:respond", args=[entry.pk])).status_code == 404
    assert (
        client.post(reverse("auditions:book", args=[entry.pk]), {"slot": free.pk}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.book(user=member, entry=entry, slot_id=free.pk)
    # Another organisation's member never reaches the invitation.
    ShortlistEntry.objects.filter(pk=entry.pk).update(invited_at=timezone.now())
    stranger = MembershipFactory().user
    client.force_login(stranger)
    assert client.get(reverse("auditions:respond", args=[entry.pk])).status_code == 404
    assert (
        client.post(reverse("auditions:book", args=[entry.pk]), {"slot": free.pk}).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        services.book(user=stranger, entry=entry, slot_id=free.pk)
    assert not Booking.objects.exists()


# -- declining ----------------------------------------------------------------------------


def test_a_company_declines_and_then_cannot_book(client, w):
    free = slot(w.a)
    (entry,) = invited(w)
    member = member_of(entry.target)
    client.force_login(member)
    response = client.post(
        reverse("auditions:decline", args=[entry.pk]), {"reason": "Pas disponibles"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.declined_at is not None and entry.decline_reason == "Pas disponibles"
    with pytest.raises(PermissionDenied):
        services.book(user=member, entry=entry, slot_id=free.pk)
    client.post(reverse("auditions:book", args=[entry.pk]), {"slot": free.pk})
    assert not Booking.objects.exists()
    client.force_login(w.manager_a)
    schedule = plain(client.get(reverse("auditions:schedule", args=[w.a.pk])).content.decode())
    assert "a décliné : Pas disponibles" in schedule


def test_a_booked_company_cannot_decline(w):
    free = slot(w.a)
    (entry,) = invited(w)
    member = member_of(entry.target)
    services.book(user=member, entry=entry, slot_id=free.pk)
    with pytest.raises(ValidationError):
        services.decline(user=member, entry=entry)
    entry.refresh_from_db()
    assert entry.declined_at is None
