from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    field_order = ["full_name", "email", "password1", "password2"]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]
