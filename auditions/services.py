"""Shortlist, audition slots, bookings, reminders and the jury: the rules and their
transactions.

A booking holds under concurrency: the company's shortlist row and the slot's row
are locked (``select_for_update``) before anything is checked, and the booking's
one-to-one keys (slot, company) make a missed lock fail in the database instead of
holding two companies in one slot or two slots for one company.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from auditions import selectors
from auditions.models import AuditionSlot, Booking, JuryOpinion, JurySession, ShortlistEntry
from auditions.permissions import (
    can_manage_auditions,
    can_respond_to_invitation,
    can_shortlist,
)
from notifications.services.scheduling import site_url

INVITATION = "audition_invitation"
BOOKED = "audition_booked"
REMINDER = "audition_reminder"
# The reminder goes this long before the audition (once per booking).
REMINDER_AHEAD = timedelta(days=1)


class SlotTaken(ValidationError):
    pass


def _members(application):
    return User.objects.filter(
        organisation_memberships__organisation_id=application.organisation_id, is_active=True
    ).order_by("pk")


# -- shortlist ---------------------------------------------------------------------


def add_to_shortlist(*, user, target):
    if not can_shortlist(user, target):
        raise PermissionDenied
    entry, _created = ShortlistEntry.objects.get_or_create(
        target=target, defaults={"added_by": user}
    )
    return entry


def remove_from_shortlist(*, user, target):
    """Only before the company was invited: after that it has been told."""
    if not can_shortlist(user, target):
        raise PermissionDenied
    with transaction.atomic():
        entry = ShortlistEntry.objects.select_for_update().filter(target=target).first()
        if entry is None:
            return
        if entry.invited_at is not None:
            raise ValidationError(
                _("Cette candidature a déjà été invitée : elle reste présélectionnée.")
            )
        if JuryOpinion.objects.filter(target=target).exists():
            raise ValidationError(_("Le jury a déjà donné son avis sur cette candidature."))
        entry.delete()


# -- slots -------------------------------------------------------------------------


def create_slot(*, user, participation, starts_at, duration_minutes, place="", video_url=""):
    if not can_manage_auditions(user, participation):
        raise PermissionDenied
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Le créneau doit commencer dans le futur.")})
    slot = AuditionSlot(
        participation=participation,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=(place or "").strip(),
        video_url=(video_url or "").strip(),
        created_by=user,
    )
    slot.full_clean()
    slot.save()
    return slot


def delete_slot(*, user, slot):
    if not can_manage_auditions(user, slot.participation):
        raise PermissionDenied
    with transaction.atomic():
        slot = AuditionSlot.objects.select_for_update().get(pk=slot.pk)
        if Booking.objects.filter(slot=slot).exists():
            raise ValidationError(_("Ce créneau est réservé : il ne peut plus être supprimé."))
        slot.delete()


# -- invitations, bookings, declines --------------------------------------------------


def invite_shortlisted(*, user, participation):
    """Invite every shortlisted company not invited yet to book a slot; returns how many."""
    if not can_manage_auditions(user, participation):
        raise PermissionDenied
    if not selectors.free_slots(participation).exists():
        raise ValidationError(_("Créez d'abord des créneaux libres à venir."))
    from notifications.services import queue_message

    invited = 0
    with transaction.atomic():
        entries = (
            selectors.shortlist(participation)
            .filter(invited_at__isnull=True)
            .select_for_update(of=("self",))
        )
        now = timezone.now()
        for entry in entries:
            entry.invited_at = now
            entry.save(update_fields=["invited_at"])
            application = entry.target.application
            for member in _members(application):
                queue_message(
                    recipient=member,
                    kind=INVITATION,
                    about=entry,
                    context={
                        "commune": participation.commune.name,
                        "call_title": participation.call.title,
                        "title": application.title,
                        "reference": application.reference,
                        "url": site_url("auditions:respond", entry_id=entry.pk),
                    },
                )
            invited += 1
    return invited


def _locked_invitation(user, entry):
    """The company's shortlist row, locked, once it is sure to await this user's answer."""
    entry = (
        ShortlistEntry.objects.select_for_update(of=("self",))
        .select_related("target__application", "target__participation__call")
        .get(pk=entry.pk)
    )
    if Booking.objects.filter(entry=entry).exists():
        raise ValidationError(_("Votre audition est déjà réservée."))
    if not can_respond_to_invitation(user, entry):
        raise PermissionDenied
    return entry


def book(*, user, entry, slot_id):
    """Book one slot for the company, first come, first served."""
    try:
        with transaction.atomic():
            entry = _locked_invitation(user, entry)
            slot = (
                AuditionSlot.objects.select_for_update()
                .filter(pk=slot_id, participation_id=entry.target.participation_id)
                .first()
            )
            if slot is None:
                raise ValidationError({"slot": _("Choisissez un créneau de la liste.")})
            if slot.starts_at <= timezone.now():
                raise SlotTaken({"slot": _("Ce créneau est passé : choisissez-en un autre.")})
            if Booking.objects.filter(slot=slot).exists():
                raise SlotTaken(_slot_taken_message())
            with transaction.atomic():
                booking = Booking.objects.create(slot=slot, entry=entry, booked_by=user)
            _queue_booking_mails(booking, BOOKED, occasion="")
    except IntegrityError:
        # The lock was missed (e.g. another database): the keys held.
        raise SlotTaken(_slot_taken_message()) from None
    return booking


def _slot_taken_message():
    return {
        "slot": _(
            "Ce créneau vient d'être réservé par une autre entreprise : choisissez-en un autre."
        )
    }


def decline(*, user, entry, reason=""):
    with transaction.atomic():
        entry = _locked_invitation(user, entry)
        entry.declined_at = timezone.now()
        entry.decline_reason = (reason or "").strip()
        entry.save(update_fields=["declined_at", "decline_reason"])
    return entry


def _queue_booking_mails(booking, kind, occasion):
    """The confirmation or the reminder of a booking to the company's members, each
    with the audition as a calendar file (built when the mail is sent)."""
    from notifications.services import queue_for_each

    slot = booking.slot
    application = booking.entry.target.application
    participation = slot.participation
    context = {
        "commune": participation.commune.name,
        "call_title": participation.call.title,
        "title": application.title,
        "reference": application.reference,
        "starts_at": slot.starts_at.isoformat(),
        "duration": slot.duration_minutes,
        "place": slot.place,
        "video_url": slot.video_url,
        "url": site_url("applications:detail", pk=application.pk),
    }
    return queue_for_each(
        _members(application), kind=kind, about=booking, occasion=occasion, context=context
    )


def queue_audition_reminders(now=None):
    """The day before each audition, a reminder to the company (once per booking: the
    outbox's key on the booking and the occasion makes every later run a no-op)."""
    now = now or timezone.now()
    queued = 0
    for booking in selectors.bookings_due_for_reminder(now, REMINDER_AHEAD):
        queued += _queue_booking_mails(booking, REMINDER, occasion="day-before")
    return queued


# -- jury ----------------------------------------------------------------------------


def save_session(*, user, participation, held_on, members):
    """Record when the jury sat and who sat (members of the commune's team)."""
    if not can_manage_auditions(user, participation):
        raise PermissionDenied
    team = set(participation.commune.team.values_list("user_id", flat=True))
    if any(member.pk not in team for member in members):
        raise ValidationError({"members": _("Choisissez des membres de l'équipe de la commune.")})
    with transaction.atomic():
        session, _created = JurySession.objects.update_or_create(
            participation=participation, defaults={"held_on": held_on, "recorded_by": user}
        )
        session.members.set(members)
    return session


def conflicted_targets(user, participation):
    """Ids of the commune's targets on which the user has a conflict of interest
    (declared, or member of the applicant organisation): they record no opinion there."""
    from applications.services.assignments import conflicted_pairs

    return {target for target, member in conflicted_pairs(participation) if member == user.pk}


def save_opinions(*, user, participation, opinions):
    """Record the jury's opinions and ranking: ``opinions`` maps a shortlisted target
    to (opinion, comment, rank); an empty opinion leaves the row without opinion.
    Rows left out (e.g. those the user is conflicted on) keep theirs."""
    if not can_manage_auditions(user, participation):
        raise PermissionDenied
    if any(target.pk in conflicted_targets(user, participation) for target in opinions):
        raise PermissionDenied
    allowed = set(selectors.heard_targets(participation).values_list("pk", flat=True))
    if any(target.pk not in allowed for target in opinions):
        raise ValidationError(
            _("Le jury ne donne son avis que sur les candidatures présélectionnées.")
        )
    with transaction.atomic():
        session = (
            JurySession.objects.select_for_update().filter(participation=participation).first()
        )
        if session is None:
            raise ValidationError(_("Enregistrez d'abord la date et les membres du jury."))
        existing = {o.target_id: o for o in JuryOpinion.objects.filter(session=session)}
        given = {target.pk for target in opinions}
        kept = [o.rank for o in existing.values() if o.rank and o.target_id not in given]
        ranks = kept + [rank for opinion, _comment, rank in opinions.values() if opinion and rank]
        if len(ranks) != len(set(ranks)):
            raise ValidationError(_("Deux candidatures ne peuvent pas avoir le même rang."))
        # Ranks move in two steps so that swapping two ranks never meets the unique key.
        JuryOpinion.objects.filter(session=session, target__in=list(opinions)).update(rank=None)
        for target, (opinion, comment, rank) in opinions.items():
            current = existing.get(target.pk)
            if not opinion:
                if current is not None:
                    current._history_user = user
                    current.delete()
                continue
            if current is None:
                current = JuryOpinion(session=session, target=target)
            current.opinion = opinion
            current.comment = (comment or "").strip()
            current.rank = rank or None
            current.recorded_by = user
            current._history_user = user
            current.save()
    return session
