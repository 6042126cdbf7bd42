"""Confirmation and day-before reminder of a booking, each with the audition as an
.ics file; the reminder is sent once per booking."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from auditions import services
from auditions.models import Booking, ShortlistEntry
from auditions.tasks import send_audition_reminders
from notifications.models import OutboxMessage
from notifications.services import outbox
from tests.auditions.helpers import invited, member_of, slot, world
from tests.typography import plain

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=1))  # November: CET


@pytest.fixture
def w():
    return world()


def _calendar(email):
    (attachment,) = [a for a in email.attachments if a[0] == "audition.ics"]
    name, content, mimetype = attachment
    assert mimetype == "text/calendar"
    return Calendar.from_ical(content)


def _event(calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def test_the_confirmation_carries_the_ics_file(w, django_capture_on_commit_callbacks):
    chosen = slot(w.a, hours=72, minutes=45, place="Mairie, salle des mariages")
    (entry,) = invited(w)
    member = member_of(entry.target)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(user=member, entry=entry, slot_id=chosen.pk)
    (email,) = mail.outbox
    assert email.to == [member.email]
    assert "Audition réservée" in plain(email.subject)
    assert "Mairie, salle des mariages" in plain(email.body)
    event = _event(_calendar(email))
    assert event.decoded("dtstart") == chosen.starts_at.replace(microsecond=0)
    assert event.decoded("dtend") - event.decoded("dtstart") == datetime.timedelta(minutes=45)
    assert str(event["location"]) == "Mairie, salle des mariages"
    reference = entry.target.application.reference
    assert str(event["summary"]) == f"Audition QMI – {w.a.commune.name} – {reference}"
    assert str(event["uid"]).startswith(f"audition-{booking.pk}@")


def test_a_video_audition_gives_the_link_as_location_and_url(w):
    chosen = slot(w.a, place="", video_url="https://visio.example.org/qmi-42")
    (entry,) = invited(w)
    booking = services.book(user=member_of(entry.target), entry=entry, slot_id=chosen.pk)
    from auditions.ics import booking_calendar

    event = _event(Calendar.from_ical(booking_calendar(booking)))
    assert str(event["location"]) == "https://visio.example.org/qmi-42"
    assert str(event["url"]) == "https://visio.example.org/qmi-42"


def test_the_member_downloads_the_ics_and_strangers_get_404(client, w):
    chosen = slot(w.a)
    (entry,) = invited(w)
    member = member_of(entry.target)
    services.book(user=member, entry=entry, slot_id=chosen.pk)
    client.force_login(member)
    response = client.get(f"/candidatures/auditions/{entry.pk}/audition.ics")
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar"
    assert _event(Calendar.from_ical(response.content)).decoded("dtstart") == (
        chosen.starts_at.replace(microsecond=0)
    )
    client.force_login(w.manager_b)
    assert client.get(f"/candidatures/auditions/{entry.pk}/audition.ics").status_code == 404


def _booking_at(w, starts_at, booked_at):
    chosen = slot(w.a)
    type(chosen).objects.filter(pk=chosen.pk).update(starts_at=starts_at)
    (entry,) = invited(w)
    booking = Booking.objects.create(slot_id=chosen.pk, entry=entry)
    Booking.objects.filter(pk=booking.pk).update(booked_at=booked_at)
    return booking


def test_the_reminder_goes_once_the_day_before(w, time_machine, django_capture_on_commit_callbacks):
    starts_at = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=PARIS)
    time_machine.move_to(starts_at - datetime.timedelta(days=5), tick=False)
    booking = _booking_at(w, starts_at, starts_at - datetime.timedelta(days=5))
    member = member_of(booking.entry.target)
    time_machine.move_to(starts_at - datetime.timedelta(days=1, seconds=1), tick=False)
    assert services.queue_audition_reminders() == 0
    time_machine.move_to(starts_at - datetime.timedelta(days=1), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_audition_reminders() == 1
    time_machine.move_to(starts_at - datetime.timedelta(hours=2), tick=False)
    assert services.queue_audition_reminders() == 0  # a later beat run
    call_command("send_audition_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert OutboxMessage.objects.filter(kind="audition_reminder").count() == 1
    (email,) = mail.outbox
    assert email.to == [member.email]
    assert "Rappel" in plain(email.subject)
    assert _event(_calendar(email)).decoded("dtstart") == starts_at
    time_machine.move_to(starts_at + datetime.timedelta(minutes=1), tick=False)
    assert services.queue_audition_reminders() == 0


def test_no_reminder_for_a_booking_made_the_day_before(w, time_machine):
    """Its confirmation just went: a reminder an hour later would be noise."""
    starts_at = datetime.datetime(2026, 12, 10, 10, 0, tzinfo=PARIS)
    time_machine.move_to(starts_at - datetime.timedelta(hours=20), tick=False)
    _booking_at(w, starts_at, starts_at - datetime.timedelta(hours=20))
    assert services.queue_audition_reminders() == 0
    time_machine.move_to(starts_at - datetime.timedelta(hours=2), tick=False)
    assert services.queue_audition_reminders() == 0


def test_a_booking_mail_whose_booking_is_gone_goes_without_attachment(w):
    chosen = slot(w.a)
    (entry,) = invited(w)
    booking = services.book(user=member_of(entry.target), entry=entry, slot_id=chosen.pk)
    message = OutboxMessage.objects.get(kind="audition_booked")
    booking.delete()
    _subject, email = outbox.build_email(message)
    assert email.attachments == []


def test_the_invitation_links_to_the_booking_page(w, django_capture_on_commit_callbacks):
    slot(w.a)
    target = w.application(w.a)
    services.add_to_shortlist(user=w.manager_a, target=target)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_shortlisted(user=w.manager_a, participation=w.a)
    (email,) = mail.outbox
    entry = ShortlistEntry.objects.get(target=target)
    assert entry.invited_at is not None
    assert f"/candidatures/auditions/{entry.pk}/" in email.body
    assert email.attachments == []
