from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import Tag
from communes.models import Commune
from qmi import forms as qmi_forms
from qmi.typography import french_sorted


class CheckboxList(forms.CheckboxSelectMultiple):
    """Checkboxes whose error-summary link points at the first box, not at "#"."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class AlertForm(forms.Form):
    email = qmi_forms.EmailField(label=_("Votre adresse e-mail"))
    communes = qmi_forms.ModelMultipleChoiceField(
        label=_("Communes"),
        queryset=Commune.objects.order_by("name"),
        required=False,
        widget=CheckboxList,
        help_text=_("Être alerté quand un appel concernant ces communes ouvre."),
    )
    tags = qmi_forms.ModelMultipleChoiceField(
        label=_("Thématiques"),
        queryset=Tag.objects.order_by("name"),
        required=False,
        widget=CheckboxList,
        help_text=_("Être alerté quand un appel propose un défi sur ces thématiques."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tags = french_sorted(Tag.objects.all(), key=lambda tag: tag.name)
        self.fields["tags"].choices = [(tag.pk, tag.name) for tag in tags]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("communes") and not cleaned.get("tags"):
            self.add_error("communes", _("Choisissez au moins une commune ou une thématique."))
        return cleaned


class OutboxFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("État"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        from notifications.kinds import KINDS, kind_label
        from notifications.models import OutboxMessage

        self.fields["state"].choices = [("", _("Tous"))] + list(OutboxMessage.State.choices)
        all_kinds = sorted(set(KINDS) | set(kinds))
        self.fields["kind"].choices = [("", _("Tous"))] + [(k, kind_label(k)) for k in all_kinds]

    def filters(self):
        if not self.is_valid():
            return {"state": "", "kind": ""}
        return {"state": self.cleaned_data["state"], "kind": self.cleaned_data["kind"]}
