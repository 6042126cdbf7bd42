"""Reads of shortlists, schedules and jury opinions, each in a constant number of queries."""

from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from applications.models import Application, ApplicationTarget
from applications.selectors.staff import staff_participations
from auditions.models import AuditionSlot, Booking, JuryOpinion, JurySession, ShortlistEntry


def shortlist(participation):
    """The commune's shortlisted applications with their booking and jury opinion."""
    return (
        ShortlistEntry.objects.filter(
            target__participation=participation,
            target__application__state=Application.State.SUBMITTED,
        )
        .select_related(
            "target__application__organisation",
            "booking__slot",
            "target__jury_opinion",
        )
        .order_by("target__application__reference")
    )


def schedule(participation):
    """The commune's slots in time order, each with the company that booked it."""
    return AuditionSlot.objects.filter(participation=participation).select_related(
        "booking__entry__target__application__organisation"
    )


def free_slots(participation, now=None):
    """Slots still to come that nobody booked."""
    now = now or timezone.now()
    return AuditionSlot.objects.filter(
        participation=participation, starts_at__gt=now, booking__isnull=True
    )


def get_slot(user, slot_id):
    """A slot of one of the user's communes, or 404 (another commune's included)."""
    return get_object_or_404(
        AuditionSlot.objects.select_related("participation__call", "participation__commune"),
        pk=slot_id,
        participation__in=staff_participations(user),
    )


def entries_of_member(user):
    """Invitations to an audition received by the user's organisations."""
    return ShortlistEntry.objects.filter(
        invited_at__isnull=False,
        target__application__organisation__memberships__user=user,
        target__application__state=Application.State.SUBMITTED,
    ).select_related(
        "target__application__organisation",
        "target__participation__call",
        "target__participation__commune",
        "booking__slot",
    )


def get_entry_for_member(user, entry_id):
    """An invitation of one of the user's organisations, or 404 (forged ids included)."""
    return get_object_or_404(entries_of_member(user), pk=entry_id)


def invitations_for_application(user, application):
    """The audition invitations of one application, for its candidate page."""
    return list(
        entries_of_member(user)
        .filter(target__application=application)
        .order_by("target__participation__commune__name")
    )


def jury_session(participation):
    return (
        JurySession.objects.filter(participation=participation).prefetch_related("members").first()
    )


def target_panel(target):
    """What the staff application page shows about auditions for one target (one query)."""
    row = (
        ApplicationTarget.objects.filter(pk=target.pk)
        .select_related("shortlist_entry__booking__slot", "jury_opinion")
        .first()
    )
    return {
        "entry": getattr(row, "shortlist_entry", None),
        "opinion": getattr(row, "jury_opinion", None),
    }


def with_jury(targets):
    """``ApplicationTarget`` rows annotated with the jury's opinion, comment and rank."""
    opinions = JuryOpinion.objects.filter(target=OuterRef("pk"))
    return targets.annotate(
        jury_opinion_value=Subquery(opinions.values("opinion")[:1]),
        jury_comment=Subquery(opinions.values("comment")[:1]),
        jury_rank=Subquery(opinions.values("rank")[:1]),
    )


def opinion_label(value):
    return str(JuryOpinion.Opinion(value).label) if value else ""


def heard_targets(participation):
    """Targets the jury may give an opinion on: the commune's shortlisted applications."""
    return ApplicationTarget.objects.filter(
        participation=participation,
        shortlist_entry__isnull=False,
        application__state=Application.State.SUBMITTED,
    )


def bookings_due_for_reminder(now, ahead):
    """Bookings whose audition starts within ``ahead`` and that were made before
    that window opened (a booking made the day before got its confirmation)."""
    from django.db.models import F

    return (
        Booking.objects.filter(
            slot__starts_at__gt=now,
            slot__starts_at__lte=now + ahead,
            booked_at__lt=F("slot__starts_at") - ahead,
            entry__declined_at__isnull=True,
            entry__target__application__state=Application.State.SUBMITTED,
        )
        .select_related(
            "slot__participation__commune",
            "slot__participation__call",
            "entry__target__application__organisation",
        )
        .order_by("slot__starts_at", "pk")
    )


JURY_FIELDS = ["opinion", "rank", "comment"]


def jury_audit_entries(call):
    """The jury's opinions given, changed and withdrawn on a call's applications, for
    the audit log (one query)."""
    from django.utils.translation import gettext as _

    from applications.selectors.audit import AuditEntry, _changes, _versions

    history = JuryOpinion.history.filter(session__participation__call=call).select_related(
        "history_user", "target__application", "target__participation__commune"
    )
    for previous, record in _versions(history):
        subject = (
            f"{record.target.application.reference} → {record.target.participation.commune.name}"
        )
        if record.history_type == "-":
            action, changes = _("avis du jury retiré"), []
        else:
            changes = _changes(JuryOpinion, JURY_FIELDS, previous, record)
            if not changes:
                continue
            action = _("avis du jury") if previous is None else _("avis du jury modifié")
        yield AuditEntry(record.history_date, record.history_user, action, subject, changes)
