"""Questions to candidates: the team's thread, the candidate's threads, answers, files."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qmi.forms import apply_service_errors
from qmi.permissions import rule, scoped
from questions import selectors, services
from questions.forms import AnswerForm, QuestionForm, answer_prefix
from questions.permissions import (
    can_answer,
    can_ask,
    can_view_question,
    can_view_team_questions,
    is_organisation_member,
)

# Loaders answer 404 outside the user's scope (another commune, a forged id).
TEAM_TARGET = ("target_id", selectors.get_team_target)
QUESTION = ("pk", selectors.get_question)

BUSY = gettext_lazy(
    "La plateforme enregistrait une autre modification au même instant : rien n'a été "
    "enregistré, envoyez à nouveau."
)


def _team_page(request, target, form=None, status=200):
    return render(
        request,
        "questions/team_list.html",
        {
            "target": target,
            "application": target.application,
            "participation": target.participation,
            "questions": selectors.team_thread(request.user, target),
            "can_ask": can_ask(request.user, target),
            "form": form or QuestionForm(),
        },
        status=status,
    )


@rule(can_view_team_questions, target=TEAM_TARGET)
def team_list(request, target):
    """The questions the viewer's commune asked about one application."""
    return _team_page(request, target)


@require_POST
@rule(can_view_team_questions, target=TEAM_TARGET)
def ask(request, target):
    """The service asks the rest of the rule (no conflict, selection open) under its lock."""
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.ask(user=request.user, target=target, body=form.cleaned_data["body"])
        except ValidationError as error:
            apply_service_errors(form, error)
        except OperationalError:
            form.add_error(None, str(BUSY))
            return _team_page(request, target, form, status=409)
        else:
            messages.success(
                request, _("Question envoyée : les membres de l'organisation sont prévenus.")
            )
            return redirect(reverse("staff:application", args=[target.pk]) + "#questions")
    return _team_page(request, target, form, status=400)


@rule(is_organisation_member, application=("application_id", selectors.get_member_application))
def application_list(request, application):
    """Every question about one of my organisation's applications, by commune."""
    questions = selectors.annotate_permissions(
        request.user, selectors.application_threads(request.user, application)
    )
    for question in questions:
        question.answer_form = AnswerForm(prefix=answer_prefix(question))
    return render(
        request,
        "questions/application_list.html",
        {"application": application, "questions": questions},
    )


def _detail(request, question, form=None, status=200):
    allowed = can_answer(request.user, question)
    if allowed and form is None:
        form = AnswerForm(prefix=answer_prefix(question))
    return render(
        request,
        "questions/detail.html",
        {
            "question": question,
            "target": question.target,
            "application": question.target.application,
            "can_answer": allowed,
            "is_team": question.target.participation.commune_id in _staff_communes(request.user),
            "form": form,
        },
        status=status,
    )


def _staff_communes(user):
    from accounts.roles import roles_of

    return roles_of(user).staff_communes


@rule(can_view_question, question=QUESTION)
def detail(request, question):
    """One question and its answers, for its commune's team and the organisation."""
    return _detail(request, question)


@require_POST
@rule(can_view_question, question=QUESTION)
def answer(request, question):
    """The service asks the rest of the rule (a member, the thread still open) under its lock."""
    form = AnswerForm(request.POST, request.FILES, prefix=answer_prefix(question))
    if form.is_valid():
        try:
            services.answer(
                user=request.user,
                question=question,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except OperationalError:
            form.add_error(None, str(BUSY))
            return _detail(request, question, form, status=409)
        else:
            messages.success(request, _("Réponse envoyée à la commune."))
            application = question.target.application
            return redirect(
                reverse("applications:detail", args=[application.pk]) + f"#question-{question.pk}"
            )
    return _detail(request, question, form, status=400)


@rule(scoped, attachment=("pk", selectors.attachment_for_download))
def attachment_download(request, attachment):
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
