from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from qmi.forms import EMAIL_MAX_LENGTH


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(label=_("Nom complet"), max_length=150)
    field_order = ["full_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The column holds 254 characters: say so rather than fail on saving.
        email = self.fields["email"]
        email.max_length = EMAIL_MAX_LENGTH
        email.validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))
        email.widget.attrs["maxlength"] = str(EMAIL_MAX_LENGTH)

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
