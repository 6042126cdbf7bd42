from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from allauth.mfa.signals import authenticator_removed, authenticator_reset

        from accounts.signals import end_other_sessions

        authenticator_removed.connect(end_other_sessions, dispatch_uid="qmi-2fa-removed")
        authenticator_reset.connect(end_other_sessions, dispatch_uid="qmi-2fa-reset")
