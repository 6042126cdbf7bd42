"""allauth.mfa's security-key form, hardened: a malformed credential (a forged
POST, a browser extension's odd answer) is an ordinary form error, never a 500
(allauth's parser only catches a TypeError; fido2 raises KeyError/ValueError)."""

from allauth.mfa.adapter import get_adapter
from allauth.mfa.webauthn.forms import AddWebAuthnForm as BaseAddWebAuthnForm


class AddWebAuthnForm(BaseAddWebAuthnForm):
    def clean(self):
        try:
            return super().clean()
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            raise get_adapter().validation_error("incorrect_code") from error
