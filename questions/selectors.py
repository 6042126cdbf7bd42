"""Reads: threads as each side sees them, downloads, the audit trail, the data export.

Visibility lives in ``questions_visible_to``; every page and download reads
through it (or through the staff selectors it builds on), so a forged id or
another commune's question gives 404.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from accounts.roles import roles_of
from applications.models import Application, OrganisationMembership
from questions.models import Answer, AnswerAttachment, Question
from questions.permissions import (
    answer_refusal,
    can_answer,
    can_view_team_questions,
    organisation_ids,
)


def questions_visible_to(user):
    """The one answer to "which questions may this user read?".

    Commune staff: the questions of their own communes on applications they see
    (submitted, commune still targeted, call published); members of an
    organisation: every question about its applications. Nobody else.
    """
    from applications.selectors.staff import staff_targets

    roles = roles_of(user)
    if not roles.is_authenticated:
        return Question.objects.none()
    member = Exists(
        OrganisationMembership.objects.filter(
            user=user, organisation_id=OuterRef("target__application__organisation_id")
        )
    )
    condition = Q(member)
    if roles.is_commune_staff:
        team = staff_targets(user).filter(participation__commune_id__in=roles.staff_communes)
        condition |= Q(target__in=team.values("pk"))
    return Question.objects.filter(condition)


def _with_thread(questions):
    """Questions with their answers, authors and files: three queries for any number."""
    return questions.select_related(
        "author",
        "target__participation__commune",
        "target__participation__call",
        "target__application",
    ).prefetch_related(
        Prefetch(
            "answers",
            queryset=Answer.objects.select_related("author").prefetch_related("attachments"),
        )
    )


def team_thread(user, target):
    """The questions the viewer's commune asked about this target (none for anyone else)."""
    if not can_view_team_questions(user, target):
        return Question.objects.none()
    return _with_thread(Question.objects.filter(target=target))


def get_team_target(user, target_id):
    """A target whose team thread the user may open, or 404 (forged ids, another commune,
    an admin outside the commune's team)."""
    from applications.selectors.staff import get_target

    target = get_target(user, target_id)
    if not can_view_team_questions(user, target):
        raise Http404
    return target


def application_threads(user, application):
    """Every question about an application of the user's organisations (none otherwise)."""
    if application.organisation_id not in organisation_ids(user):
        return Question.objects.none()
    return _with_thread(Question.objects.filter(target__application=application)).order_by(
        "target__participation__commune__name", "created_at", "pk"
    )


def get_member_application(user, application_id):
    """A submitted or withdrawn application of the user's organisations, or 404."""
    return get_object_or_404(
        Application.objects.of_member(user)
        .exclude(state=Application.State.DRAFT)
        .select_related("organisation", "call")
        .distinct(),
        pk=application_id,
    )


def get_question(user, question_id):
    return get_object_or_404(_with_thread(questions_visible_to(user)), pk=question_id)


def attachment_for_download(user, attachment_id):
    return get_object_or_404(
        AnswerAttachment.objects.filter(answer__question__in=questions_visible_to(user)),
        pk=attachment_id,
    )


def annotate_permissions(user, questions):
    """Each question with ``user_can_answer`` (and why not, ``refusal``) for this user,
    computed without a query per row."""
    questions = list(questions)
    for question in questions:
        question.user_can_answer = can_answer(user, question)
        question.refusal = answer_refusal(question)
    return questions


# The audit trail ----------------------------------------------------------------------


def audit_entries(call):
    """Questions asked and answers sent on a call: who, when, about which application and
    commune; never the text (2 queries whatever the volume)."""
    from applications.selectors.audit import AuditEntry

    questions = Question.history.filter(target__participation__call=call).select_related(
        "history_user", "target__application", "target__participation__commune"
    )
    for record in questions:
        subject = f"{record.target.application.reference} → {record.target.participation.commune}"
        action = {"+": _("question posée"), "-": _("question effacée")}.get(record.history_type)
        if action:
            yield AuditEntry(record.history_date, record.history_user, action, subject, [])
    answers = Answer.history.filter(
        question__target__participation__call=call, history_type="+"
    ).select_related(
        "history_user", "question__target__application", "question__target__participation__commune"
    )
    for record in answers:
        target = record.question.target
        yield AuditEntry(
            record.history_date,
            record.history_user,
            _("réponse du candidat"),
            f"{target.application.reference} → {target.participation.commune}",
            [],
        )


# "Mes données" ------------------------------------------------------------------------


def export_for_application(user, application, folder):
    """The questions about an application and their answers, for a member's data export:
    (entries, [(path in the archive, file)])."""
    entries, files = [], []
    for question in application_threads(user, application):
        answers = []
        for answer in question.answers.all():
            attachments = []
            for attachment in answer.attachments.all():
                path = f"fichiers/{folder}/questions/{attachment.pk}-"
                path += get_valid_filename(attachment.original_name)
                attachments.append({"name": attachment.original_name, "file": path})
                files.append((path, attachment.file))
            answers.append(
                {
                    "sent_at": answer.created_at,
                    "by_me": answer.author_id == user.pk,
                    "text": answer.body,
                    "attachments": attachments,
                }
            )
        entries.append(
            {
                "commune": question.target.participation.commune.name,
                "asked_at": question.created_at,
                "question": question.body,
                "answers": answers,
            }
        )
    return entries, files


def export_asked_by(user):
    """The questions a team member asked (their own words), for their data export."""
    return [
        {
            "application": q.target.application.reference,
            "commune": q.target.participation.commune.name,
            "asked_at": q.created_at,
            "question": q.body,
        }
        for q in Question.objects.filter(author=user).select_related(
            "target__application", "target__participation__commune"
        )
    ]
