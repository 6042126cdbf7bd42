"""What the one-line includes on the application pages need, read through the selectors."""

from django import template

from questions import selectors
from questions.forms import AnswerForm, QuestionForm, answer_prefix
from questions.permissions import can_ask, can_view_team_questions

register = template.Library()


@register.simple_tag(takes_context=True)
def team_questions(context, target):
    """The staff application page's panel: the viewer's commune's thread and the form."""
    user = context["request"].user
    visible = can_view_team_questions(user, target)
    return {
        "visible": visible,
        "questions": list(selectors.team_thread(user, target)) if visible else [],
        "can_ask": visible and can_ask(user, target),
        "form": QuestionForm(),
    }


@register.simple_tag(takes_context=True)
def candidate_questions(context, application):
    """The candidate's application page: every commune's questions, an answer form each."""
    user = context["request"].user
    if application.is_draft:
        return []
    questions = selectors.annotate_permissions(
        user, selectors.application_threads(user, application)
    )
    for question in questions:
        if question.user_can_answer:
            question.answer_form = AnswerForm(prefix=answer_prefix(question))
    return questions
