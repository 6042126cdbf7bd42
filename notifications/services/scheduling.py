"""Messages that time makes due: deadline reminders, call alerts, team notices.

Everything here is idempotent: each message has a fixed occasion, so the
outbox's unique key turns a second run (beat, cron, both) into a no-op.
A run that comes late (beat was down) still queues what is due, as long as
the deadline it is about has not passed.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from notifications.models import AlertSubscription, ReminderMute
from notifications.services.outbox import queue_message

# "A call opens" and "the call has closed" are sent only this long after the
# fact: deploying on an old database sends nothing about past calls.
ANNOUNCE_WITHIN = timedelta(days=7)
# Reviewers with pending reviews are reminded this long after the close.
REVIEW_REMINDER_AFTER = timedelta(days=settings.QMI_REVIEW_REMINDER_DAYS)
REVIEW_REMINDER_WITHIN = timedelta(days=14)


def site_url(name, **kwargs):
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def due_reminder_offset(call, now):
    """The smallest offset (hours) whose time has come, or None.

    Offsets are real hours before ``closes_at`` (aware datetimes), so a DST
    change in between shifts the wall-clock time, not the delay. When several
    are due (beat was down), only the latest one is sent: the others are
    superseded and a "7 days left" mail one day before would be wrong.
    """
    if not (call.opens_at <= now < call.closes_at):
        return None
    due = [
        hours
        for hours in call.reminder_offsets_hours or []
        if call.closes_at - timedelta(hours=hours) <= now
    ]
    return min(due) if due else None


def muted_emails(call):
    return set(ReminderMute.objects.filter(call=call).values_list("email", flat=True))


@transaction.atomic
def queue_deadline_reminders(now, chunk_size=1000):
    """A reminder to each member of each organisation holding a draft in an open call.

    The database returns only the (draft, member) pairs not reminded yet for the
    due offset (an anti-join on the outbox's unique key), written in bulk by
    chunks: a run where nothing is due costs one query per open call, whatever
    the number of drafts.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, F, OuterRef
    from django.db.models.functions import Lower

    from applications.models import Application, OrganisationMembership
    from calls.models import Call
    from notifications.models import OutboxMessage
    from notifications.services.outbox import queue_many

    content_type = ContentType.objects.get_for_model(Application)
    if connection.vendor == "postgresql":
        # The pairs are read through a server-side cursor, which PostgreSQL plans for
        # the first 10 % of the rows by default: with the outbox just filled (no
        # statistics yet), that picks a nested-loop anti-join that compares every
        # draft with every reminder already queued (102 s for 50,000 drafts when
        # nothing is due, against 0.3 s). Plan for reading every row (this
        # transaction only: queue_due_notifications runs each job in its own).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
    queued = 0
    for call in Call.objects.open(now):
        offset = due_reminder_offset(call, now)
        if offset is None:
            continue
        occasion = f"reminder-{offset}h"
        already = OutboxMessage.objects.filter(
            kind="deadline_reminder",
            content_type=content_type,
            object_id=OuterRef("application_id"),
            occasion=occasion,
            recipient_email=OuterRef("address"),
        )
        pairs = (
            OrganisationMembership.objects.filter(
                user__is_active=True,
                organisation__applications__call=call,
                organisation__applications__state=Application.State.DRAFT,
            )
            .annotate(
                application_id=F("organisation__applications__id"),
                application_title=F("organisation__applications__title"),
                address=Lower("user__email"),
            )
            .exclude(address__in=list(muted_emails(call)))
            .exclude(Exists(already))
            .order_by()
            .values_list(
                "application_id",
                "application_title",
                "organisation__name",
                "user_id",
                "address",
                "user__preferred_language",
            )
        )
        common = {
            "call_id": call.pk,
            "call_title": call.title,
            "closes_at": call.closes_at.isoformat(),
            "hours_left": offset,
            "url": site_url("applications:my_applications"),
            "call_url": settings.SITE_URL + call.get_absolute_url(),
        }
        batch = []
        for application_id, title, organisation, user_id, address, language in pairs.iterator(
            chunk_size=chunk_size
        ):
            batch.append(
                OutboxMessage(
                    recipient_id=user_id,
                    recipient_email=address,
                    kind="deadline_reminder",
                    content_type=content_type,
                    object_id=application_id,
                    occasion=occasion,
                    language=language or settings.LANGUAGE_CODE,
                    context={
                        **common,
                        "organisation": organisation,
                        "application_title": title,
                    },
                )
            )
            if len(batch) >= chunk_size:
                queued += queue_many(batch)
                batch = []
        queued += queue_many(batch)
    return queued


def queue_call_opened_alerts(now):
    """ "A call opens" to every confirmed subscriber of one of its communes or themes."""
    from calls.models import Call

    queued = 0
    calls = Call.objects.open(now).filter(opens_at__gte=now - ANNOUNCE_WITHIN)
    for call in calls:
        for subscription in AlertSubscription.objects.matching_call(call).order_by("pk"):
            _message, created = queue_message(
                recipient=None,
                email=subscription.email,
                language=subscription.language,
                kind="call_opened",
                about=call,
                occasion="opened",
                context={
                    "call_title": call.title,
                    "closes_at": call.closes_at.isoformat(),
                    "url": settings.SITE_URL + call.get_absolute_url(),
                    "alerts_url": site_url("notifications:alerts"),
                },
            )
            queued += created
    return queued


def queue_call_closed_notices(now):
    """ "The call has closed: N applications to review" to each commune team."""
    from applications.models import Application
    from calls.models import Call, Participation
    from communes.models import TeamMembership

    queued = 0
    calls = Call.objects.closed(now).filter(
        closes_at__gte=now - ANNOUNCE_WITHIN, results_published_at__isnull=True
    )
    participations = (
        Participation.objects.filter(call__in=calls)
        .select_related("call", "commune")
        .annotate(
            submitted=Count(
                "targets",
                filter=Q(targets__application__state=Application.State.SUBMITTED),
                distinct=True,
            )
        )
    )
    for participation in participations:
        team = TeamMembership.objects.filter(commune=participation.commune_id).select_related(
            "user"
        )
        for membership in team:
            _message, created = queue_message(
                recipient=membership.user,
                kind="call_closed",
                about=participation,
                occasion="closed",
                context={
                    "call_title": participation.call.title,
                    "commune": participation.commune.name,
                    "count": participation.submitted,
                    "url": site_url("staff:home"),
                },
            )
            queued += created
    return queued


def pending_reviews_by_reviewer(participation):
    """{user: number of submitted applications they still have to review} for one commune."""
    from applications.models import Application, ApplicationTarget, Review
    from communes.models import TeamMembership

    targets = ApplicationTarget.objects.filter(
        participation=participation, application__state=Application.State.SUBMITTED
    ).exclude(eligibility=ApplicationTarget.Eligibility.INELIGIBLE)
    pending = {}
    for membership in TeamMembership.objects.filter(
        commune=participation.commune_id
    ).select_related("user"):
        done = Review.objects.filter(target=OuterRef("pk"), reviewer=membership.user).filter(
            Q(state=Review.State.SUBMITTED) | Q(conflict_of_interest=True)
        )
        count = targets.exclude(Exists(done)).count()
        if count:
            pending[membership.user] = count
    return pending


def queue_review_reminders(now):
    """A reminder to reviewers with pending reviews some days after the close."""
    from calls.models import Call, Participation

    queued = 0
    calls = Call.objects.closed(now).filter(
        closes_at__lte=now - REVIEW_REMINDER_AFTER,
        closes_at__gte=now - REVIEW_REMINDER_AFTER - REVIEW_REMINDER_WITHIN,
        results_published_at__isnull=True,
    )
    days = REVIEW_REMINDER_AFTER.days
    participations = Participation.objects.filter(
        call__in=calls, selection_finalised_at__isnull=True
    ).select_related("call", "commune")
    for participation in participations:
        muted = muted_emails(participation.call)
        for user, count in pending_reviews_by_reviewer(participation).items():
            if user.email in muted:
                continue
            _message, created = queue_message(
                recipient=user,
                kind="review_reminder",
                about=participation,
                occasion=f"review-{days}d",
                context={
                    "call_id": participation.call_id,
                    "call_title": participation.call.title,
                    "commune": participation.commune.name,
                    "count": count,
                    "url": site_url("staff:home"),
                },
            )
            queued += created
    return queued


def queue_due_notifications(now=None):
    """The periodic job (beat every 5 minutes, or cron): queue what time made due.

    Returns the number of new messages per kind; a second run returns zeros.
    """
    from applications.services.assignments import queue_assignment_reminders
    from experimentations.services.reminders import queue_report_reminders
    from experimentations.services.surveys import queue_survey_reminders

    now = now or timezone.now()
    counts = {}
    for kind, job in (
        ("deadline_reminder", queue_deadline_reminders),
        ("call_opened", queue_call_opened_alerts),
        ("call_closed", queue_call_closed_notices),
        ("review_reminder", queue_review_reminders),
        ("assignment_reminder", queue_assignment_reminders),
        ("report_reminder", queue_report_reminders),
        ("survey_reminder", queue_survey_reminders),
    ):
        with transaction.atomic():
            counts[kind] = job(now)
    return counts
