"""Forms of the pilots and surveys: they validate, services write."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from calls.forms import DateInput, DateTimeInput
from experimentations.models import Milestone, Outcome, Pilot, Survey, SurveyAnswer
from experimentations.models.pilot import Continuation
from qmi.forms import ModelChoiceField, MultipleFileField


class PilotForm(forms.ModelForm):
    commune_contact = ModelChoiceField(
        label=_("Contact à la commune"), queryset=User.objects.none(), required=False
    )

    class Meta:
        model = Pilot
        fields = [
            "state",
            "abandon_reason",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "place",
            "address",
            "commune_contact",
        ]
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "actual_start": DateInput(),
            "actual_end": DateInput(),
            "abandon_reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "planned_end": _("Par défaut, 18 mois après le début prévu."),
            "abandon_reason": _("Obligatoire si l'expérimentation est abandonnée."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune_contact"].queryset = User.objects.filter(
            team_memberships__commune_id=self.instance.participation.commune_id
        ).order_by("full_name", "email")


class OfficerForm(forms.Form):
    officer = ModelChoiceField(
        label=_("Chargé de mission"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Un agent de la Métropole (administrateur ou membre du personnel)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officer_choices()


def officer_choices():
    return User.objects.filter(
        Q(is_metropolis_admin=True) | Q(is_staff=True), is_active=True
    ).order_by("full_name", "email")


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on", "note"]
        widgets = {
            "due_on": DateInput(),
            "done_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Rapport"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        help_text=_("Ce qui a été fait, les résultats observés, les difficultés, la suite prévue."),
    )
    files = MultipleFileField(
        label=_("Pièces jointes"),
        required=False,
        help_text=_("PDF, PNG, JPEG, DOCX ou XLSX, 10 Mo au plus chacune, 5 au plus."),
    )


class OutcomeForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["continued"].choices = Continuation.choices  # radios: no empty choice

    class Meta:
        model = Outcome
        fields = ["continued", "form", "comment"]
        widgets = {
            "continued": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 4}),
        }


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["edition", "title", "opens_at", "closes_at", "include_commune_teams"]
        widgets = {"opens_at": DateTimeInput(), "closes_at": DateTimeInput()}
        error_messages = {
            "edition": {"unique": _("Cette édition a déjà son enquête de satisfaction.")}
        }


class SurveyAnswerForm(forms.ModelForm):
    satisfaction = forms.TypedChoiceField(
        label=_("Dans l'ensemble, êtes-vous satisfait du programme ?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("De 1 (pas du tout satisfait) à 5 (très satisfait)."),
    )
    recommendation = forms.TypedChoiceField(
        label=_("Recommanderiez-vous le programme à une autre entreprise ?"),
        choices=[(n, str(n)) for n in range(0, 11)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("De 0 (certainement pas) à 10 (certainement)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["continued"].choices = Continuation.choices  # radios: no empty choice

    class Meta:
        model = SurveyAnswer
        fields = [
            "satisfaction",
            "recommendation",
            "continued",
            "what_worked",
            "what_to_change",
            "comment",
        ]
        widgets = {
            "continued": forms.RadioSelect,
            "what_worked": forms.Textarea(attrs={"rows": 4}),
            "what_to_change": forms.Textarea(attrs={"rows": 4}),
            "comment": forms.Textarea(attrs={"rows": 4}),
        }
