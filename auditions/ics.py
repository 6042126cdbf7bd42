"""An audition as an iCalendar event (RFC 5545), for mails and the candidate's page."""

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from notifications.services.outbox import mail_domain

CONTENT_TYPE = "text/calendar"
FILENAME = "audition.ics"


def booking_calendar(booking):
    """The booking's audition as the bytes of an .ics file (times in UTC)."""
    slot = booking.slot
    participation = slot.participation
    application = booking.entry.target.application
    calendar = Calendar()
    calendar.add("prodid", "-//Métropole du Grand Paris//QMI//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"audition-{booking.pk}@{mail_domain()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", slot.starts_at)
    event.add("dtend", slot.ends_at)
    event.add(
        "summary",
        _("Audition QMI – %(commune)s – %(reference)s")
        % {"commune": participation.commune.name, "reference": application.reference},
    )
    event.add("location", vText(slot.place or slot.video_url))
    if slot.video_url:
        event.add("url", slot.video_url)
    description = [
        _("Audition de « %(title)s » par l'équipe de %(commune)s (appel « %(call)s »).")
        % {
            "title": application.title,
            "commune": participation.commune.name,
            "call": participation.call.title,
        }
    ]
    if slot.video_url:
        description.append(_("Lien de visioconférence : %(url)s") % {"url": slot.video_url})
    event.add("description", "\n".join(description))
    calendar.add_component(event)
    return calendar.to_ical()


def mail_attachments(message):
    """The calendar file of a booking's mail, built when the mail is sent from the
    booking it is about (nothing when the booking no longer exists)."""
    from auditions.models import Booking

    booking = (
        Booking.objects.select_related(
            "slot__participation__commune",
            "slot__participation__call",
            "entry__target__application",
        )
        .filter(pk=message.object_id)
        .first()
    )
    if booking is None:
        return []
    return [(FILENAME, booking_calendar(booking), CONTENT_TYPE)]
