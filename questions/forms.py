from django import forms
from django.utils.translation import gettext_lazy as _

from qmi.forms import MultipleFileField
from questions.models import ANSWER_MAX_LENGTH, QUESTION_MAX_LENGTH


class QuestionForm(forms.Form):
    prefix = "question"  # the staff page has other "body" fields (team notes)
    body = forms.CharField(
        label=_("Votre question au candidat"),
        max_length=QUESTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Lue par les membres de l'organisation candidate et par votre équipe seulement "
            "(jamais par les autres communes). Ils sont prévenus par e-mail."
        ),
    )


class AnswerForm(forms.Form):
    body = forms.CharField(
        label=_("Votre réponse"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Lue par l'équipe de la commune qui a posé la question seulement. "
            "Votre candidature déposée n'est pas modifiée."
        ),
    )
    files = MultipleFileField(
        label=_("Pièces jointes (facultatives)"),
        required=False,
        help_text=_("PDF, PNG, JPEG, DOCX ou XLSX, 10 Mo au plus chacune, 5 au plus."),
    )


def answer_prefix(question):
    """One answer form per open question on a page: distinct field ids."""
    return f"q{question.pk}"
