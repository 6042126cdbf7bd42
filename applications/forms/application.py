"""One form per step of the application. Drafts accept partial input; a
submitted application must stay complete, so its required fields are enforced."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Application, ApplicationTarget, Attachment
from applications.services.drafting import (
    BUDGET_FIELDS,
    EXPERIMENT_FIELDS,
    IMPACT_FIELDS,
    PROJECT_FIELDS,
)
from calls.models import Challenge, Participation
from qmi import forms as qmi_forms


class StepForm(forms.ModelForm):
    """A step that edits fields of the application itself."""

    def __init__(self, *args, strict=False, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = strict

    def apply(self, application, now):
        for name in self._meta.fields:
            setattr(application, name, self.cleaned_data[name])


class ProjectForm(StepForm):
    class Meta:
        model = Application
        fields = PROJECT_FIELDS
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4, "maxlength": 500}),
            "solution": forms.Textarea(attrs={"rows": 6}),
            "novelty": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"summary": _("500 caractères au plus.")}
        labels = {"maturity": _("Maturité de la solution")}


class ImpactForm(StepForm):
    class Meta:
        model = Application
        fields = IMPACT_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in IMPACT_FIELDS}
        help_texts = {"team": _("Les personnes qui porteront l'expérimentation et leur rôle.")}


class BudgetForm(StepForm):
    class Meta:
        model = Application
        fields = BUDGET_FIELDS
        widgets = {
            "budget_funding": forms.Textarea(attrs={"rows": 4}),
            "budget_ask": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "budget_cost": _("Montant total en euros, sans décimales."),
            "budget_funding": _("Fonds propres, subventions, partenaires…"),
            "budget_ask": _("Moyens financiers, matériels ou humains attendus de la commune."),
        }


class TargetsForm(forms.Form):
    participations = qmi_forms.ModelMultipleChoiceField(
        label=_("Communes ciblées"),
        queryset=Participation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Une ou plusieurs communes de l'appel."),
    )
    challenges = qmi_forms.ModelMultipleChoiceField(
        label=_("Défis auxquels le projet répond"),
        queryset=Challenge.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, application, strict=False, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)
        participations = application.call.participations.select_related("commune").order_by(
            "commune__name"
        )
        self.fields["participations"].queryset = participations
        self.fields["participations"].required = strict
        self.fields["participations"].label_from_instance = lambda p: (
            f"{p.commune.name} – {p.quarter_name}"
        )
        self.fields["challenges"].queryset = Challenge.objects.filter(
            participation__in=participations
        ).select_related("participation__commune")
        self.fields["challenges"].label_from_instance = lambda c: (
            f"{c.participation.commune.name} : {c.title}"
        )
        if not self.is_bound:
            self.initial = {
                "participations": [t.participation_id for t in application.targets.all()],
                "challenges": [c.pk for c in application.challenges.all()],
            }

    def clean(self):
        cleaned = super().clean()
        chosen = {p.pk for p in cleaned.get("participations") or []}
        stray = [c for c in cleaned.get("challenges") or [] if c.participation_id not in chosen]
        if stray:
            self.add_error(
                "challenges",
                _("Ne cochez que des défis des communes ciblées (%(titles)s).")
                % {"titles": ", ".join(c.title for c in stray)},
            )
        return cleaned

    def apply(self, application, now):
        from applications.services.drafting import set_targets

        set_targets(application, self.cleaned_data["participations"], now)
        application.challenges.set(self.cleaned_data["challenges"])


class ExperimentForm(forms.ModelForm):
    class Meta:
        model = ApplicationTarget
        fields = EXPERIMENT_FIELDS
        widgets = {
            "experiment_what": forms.Textarea(attrs={"rows": 3}),
            "experiment_where": forms.Textarea(attrs={"rows": 2}),
            "experiment_ask": forms.Textarea(attrs={"rows": 3}),
            "experiment_users": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"experiment_duration_months": _("Durée (en mois, 18 au plus)")}


class ExperimentsForm:
    """One experiment form per targeted commune, validated and applied together."""

    def __init__(self, data=None, *, application, strict=False):
        self.application = application
        self.is_bound = data is not None
        self.forms = []
        for target in application.targets.all():
            form = ExperimentForm(data, instance=target, prefix=f"t{target.pk}")
            for field in form.fields.values():
                field.required = strict
            form.commune = target.participation.commune
            self.forms.append(form)

    def is_valid(self):
        return all([form.is_valid() for form in self.forms])

    def __iter__(self):
        for form in self.forms:
            yield from form

    def non_field_errors(self):
        return []

    @property
    def errors(self):
        return {
            f"{form.prefix}-{name}": errors
            for form in self.forms
            for name, errors in form.errors.items()
        }

    def apply(self, application, now):
        for form in self.forms:
            target = form.instance
            # Only the experiment fields: screening and decisions stay untouched.
            ApplicationTarget.objects.filter(pk=target.pk, application=application).update(
                **{name: form.cleaned_data[name] for name in EXPERIMENT_FIELDS}
            )


class AcceptanceForm(forms.Form):
    accept_rules = forms.BooleanField(
        label=_("J'ai lu et j'accepte le règlement de l'appel à projets."), required=False
    )
    accept_privacy = forms.BooleanField(
        label=_(
            "J'ai lu la politique de confidentialité et j'accepte le traitement des données "
            "de la candidature."
        ),
        required=False,
    )

    def __init__(self, *args, application, strict=False, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = strict
        if not self.is_bound:
            self.initial = {
                "accept_rules": bool(application.accepted_rules_at),
                "accept_privacy": bool(application.accepted_privacy_at),
            }

    def apply(self, application, now):
        application.accepted_rules_at = (
            (application.accepted_rules_at or now) if self.cleaned_data["accept_rules"] else None
        )
        application.accepted_privacy_at = (
            (application.accepted_privacy_at or now)
            if self.cleaned_data["accept_privacy"]
            else None
        )


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de document"),
        choices=Attachment.Kind.choices,
        initial=Attachment.Kind.PITCH_DECK,
    )
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_(
            "PDF, PNG, JPEG, DOCX ou XLSX, 10 Mo au plus. La présentation doit être un PDF."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx,.xlsx"}),
    )


def form_for_step(step, application, data=None, files=None):
    """The form of a step, bound when ``data`` is given."""
    strict = application.state == Application.State.SUBMITTED
    if step == "communes":
        return TargetsForm(data, application=application, strict=strict)
    if step == "experimentation":
        return ExperimentsForm(data, application=application, strict=strict)
    if step == "validation":
        return AcceptanceForm(data, application=application, strict=strict)
    if step == "pieces":
        return AttachmentForm(data, files)
    form_class = {"projet": ProjectForm, "impact": ImpactForm, "budget": BudgetForm}[step]
    return form_class(data, instance=application, strict=strict)
