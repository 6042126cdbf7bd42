from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    field_order = ["full_name", "email", "password1", "password2"]

    def try_save(self, request):
        if self.account_already_exists:
            # The same work as creating an account (hashing the password is
            # nearly all of it), so the answer's timing never tells whether
            # the address already has one.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]
