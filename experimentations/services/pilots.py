"""Pilots: created at results publication, then followed until their outcome."""

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from applications.models import Application, ApplicationTarget
from experimentations.models import Pilot, Report
from experimentations.models.pilot import DEFAULT_DURATION_MONTHS, report_schedule

# Planned start of a new pilot: this long after the results, until someone sets it.
PREPARATION = relativedelta(months=1)


def _planned_dates(target, published_on):
    start = published_on + PREPARATION
    months = target.experiment_duration_months or DEFAULT_DURATION_MONTHS
    return start, start + relativedelta(months=months)


def create_pilots_for_call(call):
    """One pilot per selected (application, commune) of a published call, once.

    Safe to call again (a retried publication, a task run twice, two workers at
    once): the unique constraint on (application, commune) and
    ``ignore_conflicts`` leave existing pilots untouched. A fixed number of
    queries whatever the number of laureates. Returns how many were created.
    """
    if call.results_published_at is None:
        return 0
    published_on = timezone.localdate(call.results_published_at)
    existing = set(
        Pilot.objects.filter(participation__call=call).values_list(
            "application_id", "participation_id"
        )
    )
    targets = [
        target
        for target in ApplicationTarget.objects.filter(
            participation__call=call,
            decision=ApplicationTarget.Decision.SELECTED,
            application__state=Application.State.SUBMITTED,
        ).order_by("pk")
        if (target.application_id, target.participation_id) not in existing
    ]
    if not targets:
        return 0
    pilots = []
    for target in targets:
        start, end = _planned_dates(target, published_on)
        pilots.append(
            Pilot(
                application_id=target.application_id,
                participation_id=target.participation_id,
                planned_start=start,
                planned_end=end,
                place=(target.experiment_where or "").strip()[:200],
            )
        )
    with transaction.atomic():
        Pilot.objects.bulk_create(pilots, ignore_conflicts=True)
        schedule_reports_bulk(Pilot.objects.filter(participation__call=call, reports__isnull=True))
    return len(pilots)


def schedule_reports_bulk(pilots):
    """The kick-off, six-monthly and final reports of the given pilots (existing ones kept)."""
    rows = [
        Report(pilot=pilot, kind=kind, number=number, due_on=due)
        for pilot in pilots
        for kind, number, due in report_schedule(pilot.start, pilot.planned_end)
    ]
    Report.objects.bulk_create(rows, ignore_conflicts=True)


def reschedule_reports(pilot):
    """Move the due dates of the reports not yet filed after a change of dates.

    Filed reports stay as they are; a report the new dates no longer call for
    is removed only when nothing was written in it.
    """
    wanted = {(kind, number): due for kind, number, due in report_schedule(pilot.start, pilot.end)}
    existing = {(r.kind, r.number): r for r in pilot.reports.all()}
    for key, report in existing.items():
        if report.is_filed:
            continue
        if key not in wanted:
            if not report.text and not report.attachments.exists():
                report.delete()
            continue
        if report.due_on != wanted[key]:
            report.due_on = wanted[key]
            report.save(update_fields=["due_on", "updated_at"])
    Report.objects.bulk_create(
        [
            Report(pilot=pilot, kind=kind, number=number, due_on=due)
            for (kind, number), due in wanted.items()
            if (kind, number) not in existing
        ],
        ignore_conflicts=True,
    )


def default_end(start, months=DEFAULT_DURATION_MONTHS):
    return start + relativedelta(months=months) if start else None


# Following a pilot: its officer and the metropolis admins.


def _check(allowed):
    from django.core.exceptions import PermissionDenied

    if not allowed:
        raise PermissionDenied


def update_pilot(*, user, pilot, data):
    """Save state, dates, place and contact (already validated by the form and clean())."""
    from experimentations.permissions import can_edit_pilot

    _check(can_edit_pilot(user, pilot))
    with transaction.atomic():
        for name, value in data.items():
            setattr(pilot, name, value)
        if pilot.state != Pilot.State.ABANDONED:
            pilot.abandon_reason = ""
        pilot.full_clean()
        pilot._history_user = user
        pilot.save()
        reschedule_reports(pilot)
    return pilot


def assign_officer(*, user, pilot, officer):
    from experimentations.permissions import can_assign_officer

    _check(can_assign_officer(user))
    pilot.officer = officer
    pilot._history_user = user
    pilot.save(update_fields=["officer", "updated_at"])
    return pilot


def save_milestone(*, user, pilot, milestone):
    from experimentations.permissions import can_edit_pilot

    _check(can_edit_pilot(user, pilot) and milestone.pilot_id == pilot.pk)
    milestone.full_clean()
    milestone.save()
    return milestone


def delete_milestone(*, user, milestone):
    from experimentations.permissions import can_edit_pilot

    _check(can_edit_pilot(user, milestone.pilot))
    milestone.delete()


def record_outcome(*, user, pilot, continued, form="", comment=""):
    from experimentations.models import Outcome
    from experimentations.permissions import can_record_outcome

    _check(can_record_outcome(user, pilot))
    outcome = Outcome.objects.filter(pilot=pilot).first() or Outcome(pilot=pilot)
    outcome.continued = continued
    outcome.form = form if continued == Outcome.Continued.YES else ""
    outcome.comment = comment
    outcome.recorded_by = user
    outcome.full_clean()
    outcome.save()
    return outcome
