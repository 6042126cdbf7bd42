from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communes.models import TeamMembership
from qmi import forms as qmi_forms


class TeamInvitationForm(forms.Form):
    email = qmi_forms.EmailField(label=_("Adresse e-mail"))
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=TeamMembership.Role.choices,
        initial=TeamMembership.Role.REVIEWER,
        widget=forms.RadioSelect,
        help_text=_("Un responsable évalue aussi, et prend les décisions de sélection."),
    )


class InvitationSignupForm(forms.Form):
    """The invited person's account: the e-mail address is the invitation's."""

    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        from accounts.models import User

        validate_password(password, User(email=self.email))
        return password

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", ValidationError(_("Les deux mots de passe diffèrent.")))
        return cleaned
