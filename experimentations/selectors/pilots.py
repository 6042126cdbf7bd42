"""Reads of pilots: boards, the pilot page, public states. Fixed query counts on lists."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from experimentations.models import Milestone, Pilot, Report, ReportAttachment
from experimentations.permissions import can_view_pilot

PUBLIC_FIELDS = ("title", "organisation", "commune", "state", "start", "end")


def _annotated(pilots, today=None):
    today = today or timezone.localdate()
    next_milestone = Milestone.objects.filter(pilot=OuterRef("pk"), done_on__isnull=True).order_by(
        "due_on", "pk"
    )
    next_report = Report.objects.filter(pilot=OuterRef("pk"), submitted_at__isnull=True).order_by(
        "due_on", "pk"
    )
    return pilots.select_related(
        "application__organisation",
        "participation__commune",
        "participation__edition",
        "officer",
    ).annotate(
        next_milestone_title=Subquery(next_milestone.values("title")[:1]),
        next_milestone_due=Subquery(next_milestone.values("due_on")[:1]),
        next_report_due=Subquery(next_report.values("due_on")[:1]),
        overdue_reports=Count(
            "reports",
            filter=Q(reports__submitted_at__isnull=True, reports__due_on__lt=today),
            distinct=True,
        ),
        filed_reports=Count(
            "reports", filter=Q(reports__submitted_at__isnull=False), distinct=True
        ),
    )


def my_pilots(user):
    """The pilots of the organisations the user belongs to ("Mes expérimentations")."""
    if not user.is_authenticated:
        return Pilot.objects.none()
    mine = Pilot.objects.filter(application__organisation__memberships__user=user).public()
    return _annotated(mine).order_by("-participation__edition__number", "application__title")


@dataclass
class BoardFilters:
    commune: int | None = None
    edition: int | None = None
    state: str = ""
    mine: bool = False
    overdue: bool = False


def board(user, filters=None, today=None):
    """The pilots a team, an officer or an admin follows, filtered; one query per page."""
    filters = filters or BoardFilters()
    pilots = Pilot.objects.visible_to(user).public()
    if filters.commune:
        pilots = pilots.filter(participation__commune_id=filters.commune)
    if filters.edition:
        pilots = pilots.filter(participation__edition_id=filters.edition)
    if filters.state:
        pilots = pilots.filter(state=filters.state)
    if filters.mine:
        pilots = pilots.filter(officer=user)
    pilots = _annotated(pilots, today)
    if filters.overdue:
        pilots = pilots.filter(overdue_reports__gt=0)
    return pilots.order_by(
        "-participation__edition__number", "participation__commune__name", "application__title"
    )


def board_choices(user):
    """Communes and editions offered by the board's filters (those of visible pilots)."""
    visible = Pilot.objects.visible_to(user).public()
    communes = (
        visible.order_by("participation__commune__name")
        .values_list("participation__commune_id", "participation__commune__name")
        .distinct()
    )
    editions = (
        visible.order_by("-participation__edition__number")
        .values_list("participation__edition_id", "participation__edition__code")
        .distinct()
    )
    return list(communes), list(editions)


def pilot_for_page(user, pk):
    """A pilot with its milestones, reports and outcome; 404 when unknown. Who may see
    it is the view's rule (``permissions.can_view_pilot``)."""
    pilots = Pilot.objects.select_related(
        "application__organisation",
        "application__call",
        "participation__commune",
        "participation__edition",
        "officer",
        "commune_contact",
    ).prefetch_related(
        "milestones",
        Prefetch("reports", queryset=Report.objects.prefetch_related("attachments")),
    )
    return get_object_or_404(pilots, pk=pk)


@dataclass
class TimelineEntry:
    date: object
    kind: str  # "milestone" | "report"
    item: object


def timeline(pilot):
    """Milestones and reports of a pilot in date order (a filed report at its filing date)."""
    entries = [TimelineEntry(m.done_on or m.due_on, "milestone", m) for m in pilot.milestones.all()]
    for report in pilot.reports.all():
        date = timezone.localdate(report.submitted_at) if report.submitted_at else report.due_on
        entries.append(TimelineEntry(date, "report", report))
    return sorted(entries, key=lambda e: (e.date, e.kind != "milestone"))


def report_of(pilot, report_pk):
    for report in pilot.reports.all():
        if report.pk == report_pk:
            report.pilot = pilot
            return report
    raise Http404


def attachment_for_download(user, pk):
    attachment = get_object_or_404(
        ReportAttachment.objects.select_related(
            "report__pilot__application", "report__pilot__participation"
        ),
        pk=pk,
    )
    if not can_view_pilot(user, attachment.report.pilot):
        raise Http404  # never tell whether a private file exists
    return attachment


def public_states(targets):
    """{(application_id, participation_id): pilot} for laureates' public pages (one query).

    Only public fields are meant to be read from these pilots: title,
    company, commune, state and dates.
    """
    pairs = {(t.application_id, t.participation_id) for t in targets}
    if not pairs:
        return {}
    pilots = (
        Pilot.objects.public()
        .filter(application_id__in={a for a, _p in pairs})
        .only(
            "application_id",
            "participation_id",
            "state",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        )
    )
    return {
        (p.application_id, p.participation_id): p
        for p in pilots
        if (p.application_id, p.participation_id) in pairs
    }


def pilots_deployed(edition):
    """Pilots of an edition that started (running, completed or abandoned after a start)."""
    return (
        Pilot.objects.public()
        .filter(participation__edition=edition)
        .filter(
            Q(state__in=[Pilot.State.RUNNING, Pilot.State.COMPLETED])
            | Q(state=Pilot.State.ABANDONED, actual_start__isnull=False)
        )
        .count()
    )


def pilot_counts_by_state(edition=None):
    """{state: count} over published pilots (for statistics)."""
    pilots = Pilot.objects.public()
    if edition is not None:
        pilots = pilots.filter(participation__edition=edition)
    return dict(pilots.order_by().values_list("state").annotate(n=Count("pk")))


@dataclass(frozen=True)
class PublicPilot:
    """What anyone may know of a pilot: its state and dates (title, company and
    commune are the laureate's)."""

    state: str
    state_label: str
    start: object
    end: object
    started: bool


def with_pilot_states(targets):
    """The laureates (ApplicationTarget list), each with ``public_pilot`` (or None)."""
    targets = list(targets)
    pilots = public_states(targets)
    for target in targets:
        pilot = pilots.get((target.application_id, target.participation_id))
        target.public_pilot = (
            None
            if pilot is None
            else PublicPilot(
                state=pilot.state,
                state_label=pilot.get_state_display(),
                start=pilot.start,
                end=pilot.end,
                started=pilot.actual_start is not None,
            )
        )
    return targets
