"""One form per step of the application. Drafts accept partial input; a
submitted application must stay complete, so its required fields are enforced."""

from django import forms
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.utils.functional import cached_property
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
        # Shown under their commune's name (see challenge_groups).
        self.fields["challenges"].label_from_instance = lambda c: c.title
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

    def chosen_participations(self):
        """The ids of the communes ticked in this form (posted, or saved)."""
        if self.is_bound:
            values = self.data.getlist(self.add_prefix("participations"))
        else:
            values = self.initial.get("participations", [])
        return {str(value) for value in values}

    def challenge_groups(self):
        """[(participation, its challenge checkboxes, chosen)] in commune order.

        Only the challenges of the communes ticked are offered: the others stay
        hidden (shown as soon as their commune is ticked, by script or after saving).
        """
        by_participation = {}
        for challenge in self.fields["challenges"].queryset:
            by_participation[str(challenge.pk)] = challenge.participation_id
        boxes = {}
        for box in self["challenges"]:
            participation_id = by_participation.get(str(box.data["value"]))
            boxes.setdefault(participation_id, []).append(box)
        chosen = self.chosen_participations()
        self.challenges_shown = any(str(pk) in chosen for pk in boxes)
        return [
            (participation, boxes[participation.pk], str(participation.pk) in chosen)
            for participation in self.fields["participations"].queryset
            if participation.pk in boxes
        ]


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


class BaseExperimentFormSet(forms.BaseFormSet):
    """One experiment form per targeted commune.

    The forms are the application's targets, read from the database, never
    counted from the post: no management form travels, and each form keeps the
    prefix ``t<target id>`` so that a post names the commune it is about.
    """

    def __init__(self, data=None, *, application, strict=False, **kwargs):
        self.application = application
        self.strict = strict
        self.targets = list(application.targets.select_related("participation__commune"))
        super().__init__(data, prefix="t", **kwargs)

    @cached_property
    def management_form(self):
        count = len(self.targets)
        form = ManagementForm(
            {
                f"{self.prefix}-{TOTAL_FORM_COUNT}": count,
                f"{self.prefix}-{INITIAL_FORM_COUNT}": count,
            },
            prefix=self.prefix,
        )
        form.full_clean()
        return form

    def total_form_count(self):
        return len(self.targets)

    def initial_form_count(self):
        return len(self.targets)

    def add_prefix(self, index):
        if isinstance(index, int):
            return f"{self.prefix}{self.targets[index].pk}"
        return super().add_prefix(index)

    def get_form_kwargs(self, index):
        return {"instance": self.targets[index]}

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        for field in form.fields.values():
            field.required = self.strict
        form.commune = self.targets[i].participation.commune
        return form

    def field_errors(self):
        """{posted field name: [errors]}, for the autosave's answer."""
        return {
            form.add_prefix(name): errors
            for form in self.forms
            for name, errors in form.errors.items()
        }


ExperimentFormSet = forms.formset_factory(
    ExperimentForm, formset=BaseExperimentFormSet, extra=0, can_delete=False
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


class AttachmentForm(forms.Form):
    """A file and what it is: the pitch deck, one of the call's documents, or another one."""

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
        widget=forms.ClearableFileInput(attrs={"accept": qmi_forms.ACCEPTED_FILES}),
    )

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.document_types = list(call.document_types.all()) if call else []
        self.fields["kind"].choices = [
            (Attachment.Kind.PITCH_DECK, Attachment.Kind.PITCH_DECK.label),
            *((f"doc-{document.pk}", document.name) for document in self.document_types),
            (Attachment.Kind.OTHER, Attachment.Kind.OTHER.label),
        ]

    def clean(self):
        """``kind`` is the attachment's kind; ``document_type`` the call's document, if any."""
        cleaned = super().clean()
        chosen = cleaned.get("kind", "")
        cleaned["document_type"] = next(
            (d for d in self.document_types if f"doc-{d.pk}" == chosen), None
        )
        if cleaned["document_type"] is not None:
            cleaned["kind"] = Attachment.Kind.OTHER
        return cleaned


def form_for_step(step, application, data=None, files=None):
    """The form of a step, bound when ``data`` is given."""
    strict = application.state == Application.State.SUBMITTED
    if step == "communes":
        return TargetsForm(data, application=application, strict=strict)
    if step == "experimentation":
        return ExperimentFormSet(data, application=application, strict=strict)
    if step == "validation":
        return AcceptanceForm(data, application=application, strict=strict)
    if step == "pieces":
        return AttachmentForm(data, files, call=application.call)
    form_class = {"projet": ProjectForm, "impact": ImpactForm, "budget": BudgetForm}[step]
    return form_class(data, instance=application, strict=strict)


def changes_of(form):
    """What a valid step form asks to change, as plain data for ``drafting.save_step``."""
    if isinstance(form, forms.BaseFormSet):
        return {sub.instance.pk: sub.cleaned_data for sub in form.forms}
    return dict(form.cleaned_data)


def errors_of(form):
    """{posted field name: [errors]} of a step form or formset."""
    if isinstance(form, forms.BaseFormSet):
        return form.field_errors()
    return form.errors
