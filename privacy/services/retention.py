"""Retention of personal data, enforced: what time makes due is erased.

Durations come from ``settings.QMI_RETENTION`` (the privacy page shows the
same values). Each rule is idempotent, so beat and cron may both run it;
``dry_run`` lists what would be erased and changes nothing. Every rule that
erased something leaves a ``PurgeRecord`` (a count, never the content).
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from privacy.models import DataExport, PurgeRecord
from privacy.services.erasure import delete_applications, delete_files

DRAFT_NOTICE_KIND = "draft_deletion_notice"
INACTIVE_NOTICE_KIND = "inactive_account_notice"


def retention():
    return settings.QMI_RETENTION


@dataclass
class RuleResult:
    kind: str
    items: list = field(default_factory=list)  # labels without personal data (ids)

    @property
    def count(self):
        return len(self.items)


def _notice_sent_before(kind, model, cutoff):
    """Rows of ``model`` whose notice of ``kind`` was queued at or before ``cutoff``."""
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import OutboxMessage

    return OutboxMessage.objects.filter(
        kind=kind,
        content_type=ContentType.objects.get_for_model(model),
        object_id=OuterRef("pk"),
        created_at__lte=cutoff,
    )


# Drafts of closed calls -------------------------------------------------------


def draft_deletion_due(call):
    return call.closes_at + relativedelta(months=retention()["DRAFT_MONTHS"])


def _drafts_of_calls_closed_before(moment):
    from applications.models import Application

    months = retention()["DRAFT_MONTHS"]
    return Application.objects.filter(
        state=Application.State.DRAFT,
        call__closes_at__lte=moment - relativedelta(months=months),
    )


def notify_drafts(now, dry_run=False):
    """Tell each member of an organisation holding a draft, 2 weeks before its deletion."""
    from notifications.services.outbox import queue_message

    notice = timedelta(days=retention()["DRAFT_NOTICE_DAYS"])
    result = RuleResult(PurgeRecord.Kind.DRAFT_NOTICE)
    drafts = _drafts_of_calls_closed_before(now + notice).select_related("call", "organisation")
    for draft in drafts.prefetch_related("organisation__members"):
        for member in draft.organisation.members.all():
            if not member.is_active:
                continue
            if dry_run:
                result.items.append(f"application {draft.pk} → user {member.pk}")
                continue
            _message, created = queue_message(
                recipient=member,
                kind=DRAFT_NOTICE_KIND,
                about=draft,
                occasion="retention",
                context={
                    "organisation": draft.organisation.name,
                    "call_title": draft.call.title,
                    "deletion_at": max(draft_deletion_due(draft.call), now + notice).isoformat(),
                    "url": settings.SITE_URL
                    + reverse("applications:detail", kwargs={"pk": draft.pk}),
                },
            )
            if created:
                result.items.append(f"application {draft.pk} → user {member.pk}")
    return result


def delete_drafts(now, dry_run=False):
    """Delete drafts of calls closed N months ago, once their organisation was told in time."""
    from applications.models import Application, OrganisationMembership

    notice = timedelta(days=retention()["DRAFT_NOTICE_DAYS"])
    told = _notice_sent_before(DRAFT_NOTICE_KIND, Application, now - notice)
    nobody_to_tell = ~Exists(
        OrganisationMembership.objects.filter(
            organisation=OuterRef("organisation"), user__is_active=True
        )
    )
    due = _drafts_of_calls_closed_before(now).filter(Q(Exists(told)) | nobody_to_tell)
    result = RuleResult(PurgeRecord.Kind.DRAFTS)
    result.items = [f"application {pk}" for pk in due.values_list("pk", flat=True)]
    if not dry_run and result.items:
        delete_applications(due)
    return result


# Submitted applications -------------------------------------------------------


def _anonymous_organisation(organisation):
    """A nameless organisation keeping only the figures statistics use."""
    from applications.models import Organisation

    with translation.override(settings.LANGUAGE_CODE):
        name = gettext("Organisation anonymisée")
    return Organisation.objects.create(
        name=name,
        kind=organisation.kind,
        country=organisation.country,
        size=organisation.size,
    )


def anonymise_application(application, now):
    """Remove the organisation, people, texts and files; keep figures, targets and scores."""
    from applications.models import Application, ApplicationRevision, Attachment, Review, TeamNote
    from questions.services import delete_for_application as delete_questions

    attachments = Attachment.objects.filter(application=application)
    delete_files(attachments)
    attachments.delete()
    ApplicationRevision.objects.filter(application=application).delete()
    TeamNote.objects.filter(target__application=application).delete()
    delete_questions(application)
    Review.objects.filter(target__application=application).update(comment="", conflict_reason="")
    Application.objects.filter(pk=application.pk).update(
        organisation=_anonymous_organisation(application.organisation),
        title="",
        summary="",
        solution="",
        novelty="",
        impact="",
        impact_measurement="",
        team="",
        budget_funding="",
        budget_ask="",
        created_by=None,
        updated_by=None,
        anonymised_at=now,
    )


def _submitted_not_anonymised():
    from applications.models import Application

    return Application.objects.exclude(state=Application.State.DRAFT).filter(
        anonymised_at__isnull=True
    )


def _selected():
    from applications.models import ApplicationTarget

    return ApplicationTarget.objects.filter(
        application=OuterRef("pk"), decision=ApplicationTarget.Decision.SELECTED
    )


def anonymise_not_selected(now, dry_run=False):
    """Applications no commune selected: anonymised N years after the call's results."""
    years = retention()["NOT_SELECTED_YEARS"]
    due = (
        _submitted_not_anonymised()
        .filter(call__results_published_at__lte=now - relativedelta(years=years))
        .exclude(Exists(_selected()))
        .select_related("organisation")
    )
    return _anonymise(due, PurgeRecord.Kind.NOT_SELECTED, now, dry_run)


def anonymise_laureates(now, dry_run=False):
    """Laureates: kept while a pilot prepares or runs, anonymised N years after the last ends.

    A pilot's end is its actual end date, else its planned end; a laureate
    without any pilot counts from the publication of the results.
    """
    from experimentations.models import Pilot

    years = retention()["LAUREATE_YEARS"]
    cutoff = now - relativedelta(years=years)
    live = Pilot.objects.filter(
        application=OuterRef("pk"), state__in=[Pilot.State.PREPARING, Pilot.State.RUNNING]
    )
    candidates = (
        _submitted_not_anonymised()
        .filter(Exists(_selected()), call__results_published_at__isnull=False)
        .exclude(Exists(live))
        .annotate(last_actual=Max("pilots__actual_end"), last_planned=Max("pilots__planned_end"))
        .select_related("organisation", "call")
    )
    due = []
    for application in candidates:
        end = application.last_actual or application.last_planned
        if end is not None:
            # The whole day of the end counts.
            ended = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
        else:
            ended = application.call.results_published_at
        if ended <= cutoff:
            due.append(application)
    return _anonymise(due, PurgeRecord.Kind.LAUREATES, now, dry_run)


def _anonymise(applications, kind, now, dry_run):
    result = RuleResult(kind)
    for application in applications:
        result.items.append(f"application {application.pk}")
        if not dry_run:
            anonymise_application(application, now)
    return result


# Accounts, messages, archives -------------------------------------------------


def _inactive_before(moment):
    from accounts.models import User

    return User.objects.filter(is_superuser=False, is_active=True).filter(
        Q(last_login__lte=moment) | Q(last_login__isnull=True, date_joined__lte=moment)
    )


def notify_inactive_accounts(now, dry_run=False):
    from notifications.services.outbox import queue_message

    years = retention()["INACTIVE_ACCOUNT_YEARS"]
    notice = timedelta(days=retention()["INACTIVE_NOTICE_DAYS"])
    result = RuleResult(PurgeRecord.Kind.INACTIVE_NOTICE)
    for user in _inactive_before(now + notice - relativedelta(years=years)):
        last = user.last_login or user.date_joined
        if dry_run:
            result.items.append(f"user {user.pk}")
            continue
        _message, created = queue_message(
            recipient=user,
            kind=INACTIVE_NOTICE_KIND,
            about=user,
            # A new log-in, then a new period of inactivity: a new notice.
            occasion=f"inactive-since-{last:%Y%m%d%H%M%S}",
            context={
                "deletion_at": max(last + relativedelta(years=years), now + notice).isoformat(),
                "url": settings.SITE_URL + reverse("account_login"),
            },
        )
        if created:
            result.items.append(f"user {user.pk}")
    return result


def delete_inactive_accounts(now, dry_run=False):
    """Accounts with no log-in for N years, warned at least the notice period before."""
    from accounts.models import User
    from accounts.services import delete_account, deletion_blockers

    years = retention()["INACTIVE_ACCOUNT_YEARS"]
    notice = timedelta(days=retention()["INACTIVE_NOTICE_DAYS"])
    told = _notice_sent_before(INACTIVE_NOTICE_KIND, User, now - notice)
    result = RuleResult(PurgeRecord.Kind.INACTIVE_ACCOUNTS)
    for user in _inactive_before(now - relativedelta(years=years)).filter(Exists(told)):
        if deletion_blockers(user):
            continue  # they answer for an organisation's application or pilot
        result.items.append(f"user {user.pk}")
        if not dry_run:
            delete_account(user, record=False)
    return result


def prune_outbox(now, dry_run=False):
    from notifications.models import OutboxMessage

    months = retention()["OUTBOX_MONTHS"]
    old = OutboxMessage.objects.filter(
        created_at__lte=now - relativedelta(months=months),
        state__in=[OutboxMessage.State.SENT, OutboxMessage.State.FAILED],
    )
    result = RuleResult(PurgeRecord.Kind.OUTBOX)
    result.items = [f"message {pk}" for pk in old.values_list("pk", flat=True)]
    if not dry_run and result.items:
        OutboxMessage.objects.filter(pk__in=old.values("pk")).delete()
    return result


def delete_expired_exports(now, dry_run=False):
    expired = DataExport.objects.filter(expires_at__lte=now)
    result = RuleResult(PurgeRecord.Kind.EXPORTS)
    for export in expired:
        result.items.append(f"export {export.pk}")
        if not dry_run:
            if export.file:
                export.file.delete(save=False)
            export.delete()
    return result


RULES = [
    notify_drafts,
    delete_drafts,
    anonymise_not_selected,
    anonymise_laureates,
    notify_inactive_accounts,
    delete_inactive_accounts,
    prune_outbox,
    delete_expired_exports,
]


def apply_retention(now=None, dry_run=False):
    """Apply every rule; returns their results. Records counts unless ``dry_run``."""
    now = now or timezone.now()
    results = []
    for rule in RULES:
        with transaction.atomic():
            result = rule(now, dry_run=dry_run)
            if result.count and not dry_run:
                PurgeRecord.objects.create(kind=result.kind, count=result.count)
        results.append(result)
    return results
