from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.models import Organisation, OrganisationMembership
from applications.validators import phone_to_e164
from qmi import forms as qmi_forms


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Site web"), required=False, assume_scheme="https", max_length=200
    )

    # Longer than 14 so that "732 829 320 00074" typed with spaces is accepted.
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        help_text=_("14 chiffres, obligatoire pour une personne morale française."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "country",
            "siret",
            "website",
            "address",
            "size",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "country": forms.Select(attrs={"autocomplete": "country"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def clean_siret(self):
        from applications.services.organisations import duplicate_siret_message

        siret = "".join(self.cleaned_data.get("siret", "").split())
        if siret:
            taken = Organisation.objects.filter(siret=siret).exclude(pk=self.instance.pk).first()
            if taken:
                raise ValidationError(duplicate_siret_message(taken), code="duplicate_siret")
        return siret

    def clean_contact_phone(self):
        """Stored in E.164; a number without "+" is read in the organisation's country."""
        value = self.cleaned_data.get("contact_phone", "").strip()
        if not value:
            return ""
        return phone_to_e164(value, str(self.cleaned_data.get("country") or ""))


class InvitationForm(forms.Form):
    email = qmi_forms.EmailField(
        label=_("Adresse e-mail de la personne à inviter"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=OrganisationMembership.Role.choices,
        initial=OrganisationMembership.Role.MEMBER,
    )


class StartApplicationForm(forms.Form):
    organisation = qmi_forms.ModelChoiceField(
        label=_("Candidater au nom de"), queryset=None, empty_label=None
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
