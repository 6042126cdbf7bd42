"""The satisfaction survey: recipients, personal links, answers, invitations and reminders."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import OrganisationMembership
from communes.models import TeamMembership
from experimentations.models import Pilot, Survey, SurveyAnswer, SurveyRecipient
from experimentations.permissions import can_manage_surveys

INVITATION = "survey_invitation"
REMINDER = "survey_reminder"
# Reminders to those who have not answered: J+7 and J+14 after the survey opens.
REMINDER_DAYS = (7, 14)
FINISHED = (Pilot.State.COMPLETED, Pilot.State.ABANDONED)


def create_survey(*, user, survey):
    if not can_manage_surveys(user):
        raise PermissionDenied
    with transaction.atomic():
        survey.created_by = user
        survey.full_clean()
        survey.save()
        add_recipients(survey)
    return survey


def add_recipients(survey):
    """The organisations whose pilots of the edition are completed or abandoned (and the
    commune teams when asked). Existing recipients keep their link. Returns how many were added."""
    organisations = set(
        Pilot.objects.public()
        .filter(participation__edition=survey.edition_id, state__in=FINISHED)
        .values_list("application__organisation_id", flat=True)
    )
    rows = [SurveyRecipient(survey=survey, organisation_id=pk) for pk in sorted(organisations)]
    if survey.include_commune_teams:
        communes = set(
            Pilot.objects.public()
            .filter(participation__edition=survey.edition_id, state__in=FINISHED)
            .values_list("participation__commune_id", flat=True)
        )
        rows += [SurveyRecipient(survey=survey, commune_id=pk) for pk in sorted(communes)]
    before = survey.recipients.count()
    SurveyRecipient.objects.bulk_create(rows, ignore_conflicts=True)
    return survey.recipients.count() - before


def answer_url(recipient):
    return settings.SITE_URL + reverse(
        "experimentations:survey_answer", kwargs={"token": recipient.token}
    )


def _people(recipient):
    if recipient.organisation_id:
        memberships = OrganisationMembership.objects.filter(
            organisation_id=recipient.organisation_id
        )
    else:
        memberships = TeamMembership.objects.filter(commune_id=recipient.commune_id)
    return [m.user for m in memberships.select_related("user").order_by("pk") if m.user.is_active]


def _queue(recipient, kind, occasion, survey):
    from notifications.services import queue_for_each

    context = {
        "survey_title": survey.title,
        "edition": survey.edition.code,
        "recipient_name": str(recipient),
        "closes_at": survey.closes_at.isoformat(),
        "url": answer_url(recipient),
    }
    return queue_for_each(
        _people(recipient), kind=kind, about=recipient, occasion=occasion, context=context
    )


def send_survey(*, user, survey, now=None):
    """Invite every recipient's members through the outbox; sending again queues nothing new."""
    if not can_manage_surveys(user):
        raise PermissionDenied
    now = now or timezone.now()
    if survey.is_closed(now):
        raise ValidationError(_("L'enquête est close : elle ne peut plus être envoyée."))
    with transaction.atomic():
        survey = Survey.objects.select_for_update().select_related("edition").get(pk=survey.pk)
        add_recipients(survey)
        if survey.sent_at is None:
            survey.sent_at = now
            survey.save(update_fields=["sent_at"])
        queued = sum(
            _queue(recipient, INVITATION, "invitation", survey)
            for recipient in survey.recipients.select_related("organisation", "commune")
        )
    return queued


def due_reminder_day(survey, now):
    """The latest of J+7, J+14 whose time has come while the survey is open, or None."""
    if not survey.sent_at or not survey.is_open(now):
        return None
    start = max(survey.opens_at, survey.sent_at)
    due = [days for days in REMINDER_DAYS if start + timedelta(days=days) <= now]
    return max(due) if due else None


def queue_survey_reminders(now=None):
    """Reminders to the recipients who have not answered, J+7 and J+14, once each."""
    now = now or timezone.now()
    queued = 0
    surveys = Survey.objects.filter(
        sent_at__isnull=False, opens_at__lte=now, closes_at__gt=now
    ).select_related("edition")
    for survey in surveys:
        day = due_reminder_day(survey, now)
        if day is None:
            continue
        waiting = survey.recipients.filter(answer__isnull=True).select_related(
            "organisation", "commune"
        )
        for recipient in waiting:
            queued += _queue(recipient, REMINDER, f"reminder-{day}d", survey)
    return queued


def save_answer(*, recipient, data, now=None):
    """Create or update the one answer of a recipient while the survey is open."""
    now = now or timezone.now()
    with transaction.atomic():
        recipient = (
            SurveyRecipient.objects.select_for_update()
            .select_related("survey")
            .get(pk=recipient.pk)
        )
        if not recipient.survey.is_open(now):
            raise ValidationError(_("L'enquête est close : les réponses ne sont plus modifiables."))
        answer = SurveyAnswer.objects.filter(recipient=recipient).first() or SurveyAnswer(
            recipient=recipient
        )
        for name, value in data.items():
            setattr(answer, name, value)
        answer.full_clean()
        answer.save()
    return answer
