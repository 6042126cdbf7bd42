"""Back-office forms: editions, communes, participations with challenges, calls."""

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.forms import inlineformset_factory
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from calls.models import (
    DEFAULT_CRITERIA,
    Call,
    CallQuestion,
    Challenge,
    Criterion,
    Edition,
    Participation,
    Tag,
)
from communes.models import Commune
from qmi import forms as qmi_forms
from qmi.typography import french_sorted

RULES_MAX_BYTES = 10 * 1024 * 1024
RULES_DIR = "calls/rules/"
PENDING_RULES_SALT = "calls.rules.pending"
PENDING_RULES_MAX_AGE = 24 * 3600


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    """A native picker; values are read and shown in Paris time (the site's time zone)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def unique_slug(model, text, max_length, exclude_pk=None):
    """``text`` as a slug no other row of ``model`` holds: "argenteuil", then "argenteuil-2"…"""
    base = slugify(text)[:max_length].strip("-") or model._meta.model_name
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)].rstrip("-") + suffix
        number += 1
    return slug


class BackofficeModelForm(forms.ModelForm):
    """A back-office form whose unique values get a message saying what holds them, and
    whose slug, left empty, is made from ``slug_source`` (and stays editable)."""

    slug_source = None
    owner_label = ""  # "l'édition", "la commune"…: who already holds a unique value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug = self.fields.get("slug")
        if slug is not None and self.slug_source:
            slug.required = False
            slug.help_text = _(
                "Rempli à partir du nom si vous le laissez vide ; lettres minuscules, chiffres "
                "et tirets. Il apparaît dans l'adresse de la page publique."
            )
            slug.widget.attrs["data-slug-from"] = f"id_{self.slug_source}"

    def clean(self):
        cleaned = super().clean()
        model = self._meta.model
        if self.slug_source and "slug" in self.fields and not cleaned.get("slug"):
            source = cleaned.get(self.slug_source)
            if source:
                max_length = model._meta.get_field("slug").max_length
                cleaned["slug"] = unique_slug(model, str(source), max_length, self.instance.pk)
        unique = {f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key}
        for name in self.fields:
            value = cleaned.get(name)
            if name not in unique or value in (None, ""):
                continue
            holder = (
                model._default_manager.filter(**{name: value}).exclude(pk=self.instance.pk).first()
            )
            if holder is not None:
                self.add_error(
                    name,
                    ValidationError(
                        _(
                            "« %(value)s » est déjà utilisé par %(owner)s « %(holder)s » : "
                            "choisissez une autre valeur."
                        ),
                        code="unique",
                        params={"value": value, "owner": self.owner_label, "holder": holder},
                    ),
                )
        return cleaned


class EditionForm(BackofficeModelForm):
    slug_source = "name"
    owner_label = _("l'édition")

    class Meta:
        model = Edition
        fields = ["number", "code", "name", "slug", "starts_on", "ends_on", "description"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class CommuneForm(BackofficeModelForm):
    slug_source = "name"
    owner_label = _("la commune")

    class Meta:
        model = Commune
        fields = ["name", "slug", "insee_code", "department", "description"]


class ParticipationForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        edition, commune = cleaned.get("edition"), cleaned.get("commune")
        if (
            edition
            and commune
            and Participation.objects.filter(edition=edition, commune=commune)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(
                "commune",
                ValidationError(
                    _(
                        "%(commune)s participe déjà à l'édition %(edition)s : modifiez sa "
                        "participation existante (liste des participations) plutôt que d'en "
                        "créer une seconde."
                    ),
                    code="unique",
                    params={"commune": commune.name, "edition": edition.code},
                ),
            )
        return cleaned

    class Meta:
        model = Participation
        fields = [
            "edition",
            "commune",
            "quarter_name",
            "quarter_description",
            "quota_min",
            "quota_max",
        ]


class ChallengeForm(forms.ModelForm):
    tags = qmi_forms.ModelMultipleChoiceField(
        label=_("Thématiques"),
        queryset=Tag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Challenge
        fields = ["title", "description", "tags", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class BaseChallengeFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the tag choices of every form.
        tags = list(Tag.objects.all())
        for form in self.forms + [self.empty_form]:
            form.fields["tags"].queryset = Tag.objects.all()
            form.fields["tags"].choices = [
                (tag.pk, tag.name) for tag in french_sorted(tags, key=lambda tag: tag.name)
            ]


ChallengeFormSet = inlineformset_factory(
    Participation,
    Challenge,
    form=ChallengeForm,
    formset=BaseChallengeFormSet,
    extra=2,
    can_delete=True,
)


class ReminderOffsetsField(forms.CharField):
    """ "168, 24, 3" <-> [168, 24, 3]."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value.strip():
            return []
        try:
            offsets = sorted(
                {int(part) for part in value.replace(";", ",").split(",")}, reverse=True
            )
        except ValueError:
            raise ValidationError(
                _("Indiquez des nombres d'heures séparés par des virgules, ex. 168, 24, 3."),
                code="invalid",
            ) from None
        return offsets


class CallForm(BackofficeModelForm):
    slug_source = "title"
    owner_label = _("l'appel")
    participations = qmi_forms.ModelMultipleChoiceField(
        label=_("Communes participantes"),
        queryset=Participation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Les communes de l'édition de l'appel, avec leur quartier d'innovation."),
    )
    # A rules PDF sent with a form that had errors elsewhere: stored, and named here
    # (signed) so that sending the corrected form keeps it.
    pending_rules = forms.CharField(required=False, widget=forms.HiddenInput)
    reminder_offsets_hours = ReminderOffsetsField(
        label=_("Rappels (heures avant la date limite)"),
        required=False,
        help_text=_("Séparés par des virgules, ex. 168, 24, 3 : 7 jours, 1 jour et 3 heures."),
    )

    class Meta:
        model = Call
        fields = [
            "edition",
            "title",
            "slug",
            "summary",
            "opens_at",
            "closes_at",
            "participations",
            "eligibility",
            "required_documents",
            "rules_document",
            "reminder_offsets_hours",
            "hide_reviews_until_submitted",
        ]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "required_documents": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "opens_at": _("Heure de Paris."),
            "closes_at": _("Heure de Paris. Une candidature arrivée à cette heure est refusée."),
            "rules_document": _("PDF, 10 Mo au plus."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Communes free for a call, or already in this one.
        free = Participation.objects.filter(call__isnull=True)
        if self.instance.pk:
            free = free | Participation.objects.filter(call=self.instance)
            self.initial.setdefault("participations", list(self.instance.participations.all()))
        queryset = free.select_related("commune", "edition").order_by(
            "-edition__number", "commune__name"
        )
        field = self.fields["participations"]
        field.queryset = queryset
        field.label_from_instance = lambda p: (
            f"{p.commune.name} – {p.edition.code} ({p.quarter_name})"
        )

    def clean_rules_document(self):
        document = self.cleaned_data.get("rules_document")
        if document and hasattr(document, "content_type"):  # a new upload
            if document.size > RULES_MAX_BYTES:
                raise ValidationError(_("Le règlement dépasse 10 Mo."), code="too_large")
            head = document.read(5)
            document.seek(0)
            if head != b"%PDF-":
                raise ValidationError(_("Le règlement doit être un fichier PDF."), code="not_pdf")
            return document
        pending = self._pending_rules_name()
        if pending and document is not False:  # not "Effacer"
            return pending  # the stored name: saved as is, no copy
        return document

    def _pending_rules_name(self):
        token = self.data.get(self.add_prefix("pending_rules")) if self.is_bound else None
        if not token:
            return None
        try:
            name = signing.loads(token, salt=PENDING_RULES_SALT, max_age=PENDING_RULES_MAX_AGE)
        except signing.BadSignature:
            return None
        if not (isinstance(name, str) and name.startswith(RULES_DIR)):
            return None
        return name if default_storage.exists(name) else None

    def keep_rules_upload(self):
        """After a refused POST: store a valid uploaded rules PDF and carry its name in
        the form, so that the corrected form saves it without choosing it again."""
        document = getattr(self, "cleaned_data", {}).get("rules_document")
        if document and hasattr(document, "content_type"):
            name = default_storage.save(RULES_DIR + document.name, document)
        elif isinstance(document, str) and document.startswith(RULES_DIR):
            name = document
        else:
            return None
        self.data = self.data.copy()
        self.data[self.add_prefix("pending_rules")] = signing.dumps(name, salt=PENDING_RULES_SALT)
        self.kept_rules = name.removeprefix(RULES_DIR)
        help_text = _(
            "Fichier reçu : %(name)s. Il sera enregistré avec l'appel, sauf si vous en "
            "choisissez un autre. PDF, 10 Mo au plus."
        ) % {"name": self.kept_rules}
        self.fields["rules_document"].help_text = help_text
        self["rules_document"].help_text = help_text  # the bound field copied the old one
        return name

    def clean(self):
        cleaned = super().clean()
        edition = cleaned.get("edition")
        for participation in cleaned.get("participations") or []:
            if edition and participation.edition_id != edition.pk:
                self.add_error(
                    "participations",
                    _("%(commune)s participe à l'édition %(code)s, pas à celle de l'appel.")
                    % {"commune": participation.commune.name, "code": participation.edition.code},
                )
                break
        if "reminder_offsets_hours" in cleaned and cleaned["reminder_offsets_hours"] is None:
            cleaned["reminder_offsets_hours"] = []
        return cleaned


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "weight", "description", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class BaseCriterionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if (form.instance.pk or form.has_changed())
            and not self._should_delete_form(form)
            and getattr(form, "cleaned_data", {}).get("name")
        ]
        if not kept:
            raise ValidationError(_("Un appel a au moins un critère d'évaluation."))


CriterionFormSet = inlineformset_factory(
    Call,
    Criterion,
    form=CriterionForm,
    formset=BaseCriterionFormSet,
    extra=1,
    can_delete=True,
)


class DefaultCriterionForm(CriterionForm):
    """A default criterion is saved even if left as proposed."""

    def has_changed(self):
        return bool(self.initial.get("name")) or super().has_changed()


def criterion_formset_for_new_call(data=None):
    """Pre-filled with the programme's five default criteria."""
    initial = [
        {"name": str(name), "weight": weight, "order": index}
        for index, (name, weight) in enumerate(DEFAULT_CRITERIA, start=1)
    ]
    formset_class = inlineformset_factory(
        Call,
        Criterion,
        form=DefaultCriterionForm,
        formset=BaseCriterionFormSet,
        extra=len(initial) + 1,
        can_delete=True,
    )
    return formset_class(data, instance=Call(), initial=initial, prefix="criteria")


class CallQuestionForm(forms.ModelForm):
    class Meta:
        model = CallQuestion
        fields = ["question", "answer", "is_published", "order"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 3}),
        }


CallQuestionFormSet = inlineformset_factory(
    Call, CallQuestion, form=CallQuestionForm, extra=1, can_delete=True
)
