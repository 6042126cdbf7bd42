"""The audit log's filters (GET): who, what, when, which commune."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.selectors.audit import KINDS, AuditFilters
from qmi.forms import parse_id


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AuditFilterForm(forms.Form):
    who = forms.CharField(label=_("Qui (nom ou e-mail)"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Action"), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    since = forms.DateField(label=_("Du"), required=False, widget=DateInput())
    until = forms.DateField(label=_("Au (inclus)"), required=False, widget=DateInput())

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune_names = {str(pk): name for pk, name in communes}
        self.fields["kind"].choices = [("", _("Toutes les actions"))] + [
            (code, label) for code, label in KINDS.items()
        ]
        self.fields["commune"].choices = [("", _("Toutes les communes"))] + [
            (str(pk), name) for pk, name in communes
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error(
                "until",
                _(
                    "La date de fin précède la date de début : choisissez un jour le "
                    "%(day)s ou après."
                )
                % {"day": since.strftime("%d/%m/%Y")},
            )
        return cleaned

    def filters(self):
        """What to show; no filter while the form is invalid (its errors say why)."""
        if not self.is_bound or not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data

        def start_of(day):
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

        return AuditFilters(
            who=data["who"].strip(),
            kind=data["kind"],
            commune=parse_id(data["commune"]) if data["commune"] else None,
            commune_name=self.commune_names.get(data["commune"], ""),
            since=start_of(data["since"]) if data["since"] else None,
            until=start_of(data["until"] + datetime.timedelta(days=1)) if data["until"] else None,
        )
