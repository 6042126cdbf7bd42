from django import forms
from django.utils.translation import gettext_lazy as _

from calls.models import Call, Edition


class ScopeForm(forms.Form):
    """Which edition, call and commune a dashboard counts (read from the query string)."""

    edition = forms.ModelChoiceField(
        label=_("Édition"),
        queryset=Edition.objects.none(),
        empty_label=None,
        to_field_name="slug",
    )
    call = forms.ModelChoiceField(
        label=_("Appel à projets"),
        queryset=Call.objects.none(),
        required=False,
        empty_label=_("Tous les appels de l’édition"),
        to_field_name="slug",
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=None,
        required=False,
        empty_label=_("Toutes les communes"),
        to_field_name="slug",
    )

    def __init__(self, data, *, editions, communes=None):
        data = data.copy()
        editions = editions.order_by("-number")
        if not data.get("edition"):
            data["edition"] = editions.values_list("slug", flat=True).first() or ""
        super().__init__(data)
        self.fields["edition"].queryset = editions
        if communes is None:
            del self.fields["commune"]
        else:
            self.fields["commune"].queryset = communes
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"
        self.fields["call"].queryset = Call.objects.filter(
            edition__slug=data.get("edition") or ""
        ).order_by("opens_at")
