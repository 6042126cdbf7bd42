"""Forms of the staff side (the candidate side's forms live in applications/forms/)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import ApplicationTarget, Review
from applications.models.review import SCORE_LEVELS

Decision = ApplicationTarget.Decision
Eligibility = ApplicationTarget.Eligibility


class ScreeningForm(forms.Form):
    eligibility = forms.ChoiceField(
        label=_("Éligibilité"),
        choices=[
            (Eligibility.ELIGIBLE, Eligibility.ELIGIBLE.label),
            (Eligibility.INELIGIBLE, Eligibility.INELIGIBLE.label),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire si la candidature n'est pas éligible ; le candidat le lira."),
    )


class ReviewForm(forms.Form):
    """A score per criterion (0 to 5, each level described), a comment, a recommendation."""

    comment = forms.CharField(
        label=_("Commentaire"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    recommendation = forms.ChoiceField(
        label=_("Recommandation"),
        required=False,
        choices=[("", _("— à choisir —"))] + list(Review.Recommendation.choices),
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        scores = {}
        for criterion in self.criteria:
            name = f"score_{criterion.pk}"
            scores[name] = forms.TypedChoiceField(
                label=_("%(name)s (coefficient %(weight)d)")
                % {"name": criterion.name, "weight": criterion.weight},
                help_text=criterion.description,
                choices=SCORE_LEVELS,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )
        # Scores first, in the criteria's order.
        self.fields = {**scores, **self.fields}

    @classmethod
    def initial_for(cls, review):
        if review is None:
            return {}
        initial = {"comment": review.comment, "recommendation": review.recommendation}
        for score in review.scores.all():
            initial[f"score_{score.criterion_id}"] = score.score
        return initial

    def scores(self):
        return {c.pk: self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Nature du conflit d'intérêts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[c for c in Decision.choices if c[0]],
        widget=forms.RadioSelect,
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Le candidat lira cette motivation une fois les résultats publiés."),
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Nouvelle note d'équipe"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visible des seuls membres de l'équipe de la commune."),
    )


class ReviewDeadlineForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Date limite des évaluations (heure de Paris)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_(
            "Les évaluateurs qui ont des candidatures affectées en attente sont "
            "relancés 3 jours puis 1 jour avant. Laissez vide pour ne pas relancer."
        ),
    )
