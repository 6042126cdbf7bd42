"""Asking and answering: the rules, the transaction, the notices through the outbox.

An answer is written beside the application, never into it: no field, file,
version or revision of the submitted application changes.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.services.attachments import sha256_of, validate_uploads
from calls.models import Participation
from questions.models import (
    ANSWER_MAX_LENGTH,
    QUESTION_MAX_LENGTH,
    Answer,
    AnswerAttachment,
    Question,
)
from questions.permissions import (
    answer_refusal,
    ask_refusal,
    can_view_team_questions,
    is_organisation_member,
)

QUESTION_ASKED = "question_asked"
QUESTION_ANSWERED = "question_answered"
MAX_ATTACHMENTS = 5


def _text(value, field, empty_message, max_length):
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: empty_message})
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("%(max)d caractères au plus (vous en avez écrit %(count)d).")
                % {"max": max_length, "count": len(text)}
            }
        )
    return text


def _lock_participation(participation_id):
    """The lock finalising takes: an answer lands before the finalisation or is refused."""
    return (
        Participation.objects.select_for_update(of=("self",))
        .select_related("call", "commune")
        .get(pk=participation_id)
    )


def ask(*, user, target, body):
    """The team of a targeted commune asks the candidate a question; every member of the
    organisation is told (once each)."""
    from applications.permissions.staff import has_conflict

    if not can_view_team_questions(user, target) or has_conflict(user, target):
        raise PermissionDenied
    body = _text(body, "body", _("Écrivez la question."), QUESTION_MAX_LENGTH)
    with transaction.atomic():
        target.participation = _lock_participation(target.participation_id)
        refusal = ask_refusal(target)
        if refusal:
            raise ValidationError(refusal)
        question = Question(target=target, author=user, body=body)
        question._history_user = user
        question.save()
        queue_question_notices(question)
    return question


def validate_files(files):
    """Every file checked by content like the application's files, before anything is written."""
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "files": _("Une réponse compte %(max)d pièces jointes au plus.")
                % {"max": MAX_ATTACHMENTS}
            }
        )
    return validate_uploads(files)


def answer(*, user, question, body, files=()):
    """A member of the organisation answers, with optional files, until the commune
    finalises its selection; the commune's team is told (once each)."""
    target = question.target
    if not is_organisation_member(user, target.application):
        raise PermissionDenied
    body = _text(body, "body", _("Écrivez la réponse."), ANSWER_MAX_LENGTH)
    checked = validate_files(files)
    with transaction.atomic():
        target.participation = _lock_participation(target.participation_id)
        refusal = answer_refusal(question)
        if refusal:
            raise ValidationError(refusal)
        reply = Answer(question=question, author=user, body=body)
        reply._history_user = user
        reply.save()
        for uploaded, content_type, name in checked:
            attachment = AnswerAttachment(
                answer=reply,
                original_name=name,
                content_type=content_type,
                size=uploaded.size,
                sha256=sha256_of(uploaded),
            )
            attachment.file.save(name, uploaded, save=False)
            attachment.save()
        queue_answer_notices(reply)
    return reply


# Notices ------------------------------------------------------------------------------
# The mails name the application and the commune and link to the platform; the text of
# the question or answer stays on the platform (only the team and the organisation may
# read it: not the outbox's administrators, not a forwarded mail).


def _context(target, url):
    application = target.application
    return {
        "reference": application.reference,
        "title": application.title,
        "organisation": application.organisation.name,
        "commune": target.participation.commune.name,
        "url": url,
    }


def queue_question_notices(question):
    from applications.models import OrganisationMembership
    from notifications.services import queue_for_each

    target = question.target
    url = settings.SITE_URL + reverse("questions:detail", kwargs={"pk": question.pk})
    context = _context(target, url)
    members = OrganisationMembership.objects.filter(
        organisation_id=target.application.organisation_id, user__is_active=True
    ).select_related("user")
    return queue_for_each(
        (membership.user for membership in members),
        kind=QUESTION_ASKED,
        about=question,
        occasion="asked",
        context=context,
    )


def queue_answer_notices(reply):
    """To the asking commune's team; members of the applicant organisation are left out
    (they answered, or were told as members)."""
    from applications.models import OrganisationMembership
    from communes.models import TeamMembership
    from notifications.services import queue_for_each

    target = reply.question.target
    url = settings.SITE_URL + reverse("staff:application", kwargs={"target_id": target.pk})
    context = _context(target, url + "#questions")
    applicants = OrganisationMembership.objects.filter(
        organisation_id=target.application.organisation_id
    ).values("user_id")
    team = (
        TeamMembership.objects.filter(
            commune_id=target.participation.commune_id, user__is_active=True
        )
        .exclude(user_id__in=applicants)
        .select_related("user")
    )
    return queue_for_each(
        (membership.user for membership in team),
        kind=QUESTION_ANSWERED,
        about=reply,
        occasion="answered",
        context=context,
    )


# Retention ----------------------------------------------------------------------------


def delete_for_application(application):
    """Anonymising an application erases its questions, answers and their files."""
    from privacy.services.erasure import delete_files

    attachments = AnswerAttachment.objects.filter(answer__question__target__application=application)
    delete_files(attachments)
    Question.objects.filter(target__application=application).delete()
