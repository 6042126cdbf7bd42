"""Report reminders, queued by the periodic job (beat or ``send_due_reminders``).

Each reminder has a fixed occasion ("due-7d", "overdue"), so the outbox's
unique key makes every later run a no-op: each member gets each reminder once.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from experimentations.models import Pilot, Report

REPORT_REMINDER = "report_reminder"
DUE_SOON = timedelta(days=7)
# A report overdue for longer is not announced (deploying on an old database sends nothing).
OVERDUE_WITHIN = timedelta(days=30)


def queue_report_reminders(now=None):
    """7 days before a report is due, and once it is overdue, to the laureate's members."""
    from notifications.services import queue_message

    now = now or timezone.now()
    today = timezone.localdate(now)
    reports = (
        Report.objects.expected()
        .exclude(pilot__state=Pilot.State.ABANDONED)
        .filter(
            pilot__application__call__results_published_at__isnull=False,
            due_on__gte=today - OVERDUE_WITHIN,
            due_on__lte=today + DUE_SOON,
        )
        .select_related("pilot__application__organisation", "pilot__participation__commune")
        .prefetch_related(
            Prefetch(
                "pilot__application__organisation__members",
                queryset=User.objects.filter(is_active=True),
            )
        )
        .order_by("due_on", "pk")
    )
    queued = 0
    for report in reports:
        overdue = report.due_on < today
        pilot = report.pilot
        context = {
            "report": str(report.label),
            "title": pilot.application.title,
            "commune": pilot.participation.commune.name,
            "due_on": report.due_on.isoformat(),
            "overdue": overdue,
            "url": settings.SITE_URL
            + reverse("experimentations:report", kwargs={"pk": pilot.pk, "report_pk": report.pk}),
        }
        for member in pilot.application.organisation.members.all():
            _message, created = queue_message(
                recipient=member,
                kind=REPORT_REMINDER,
                about=report,
                occasion="overdue" if overdue else "due-7d",
                context=context,
            )
            queued += created
    return queued
