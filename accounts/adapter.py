import uuid
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation

# allauth's account mails and the outbox kinds that carry them.
ACCOUNT_MAIL_KINDS = {
    "account/email/email_confirmation_signup": "account_email_confirmation",
    "account/email/email_confirmation": "account_email_confirmation",
    "account/email/password_reset_key": "account_password_reset",
    "account/email/unknown_account": "account_unknown",
    "account/email/account_already_exists": "account_already_exists",
}
# The link each kind's button opens.
MAIN_LINK = {
    "account_email_confirmation": "activate_url",
    "account_password_reset": "password_reset_url",
    "account_unknown": "signup_url",
    "account_already_exists": "password_reset_url",
}


def on_site(url):
    """The same path on SITE_URL: a link in a mail never trusts the request's Host."""
    parts = urlsplit(url)
    return settings.SITE_URL + urlunsplit(("", "", parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Queue the account mail in the outbox, in the current transaction.

        It is rendered at delivery from the platform's own templates (branded
        layout, the recipient's language, links on SITE_URL), so a broker
        outage delays it and never loses it.
        """
        from accounts.models import User
        from notifications.services import queue_message

        kind = ACCOUNT_MAIL_KINDS.get(template_prefix)
        if kind is None:  # a mail this site does not use (codes, security notices)
            return super().send_mail(template_prefix, email, context)
        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        links = {
            name: on_site(value)
            for name, value in context.items()
            if name.endswith("_url") and isinstance(value, str)
        }
        queue_message(
            recipient=user,
            email=email,
            kind=kind,
            # No account ("unknown account"): the message is about accounts in general.
            about=user or ContentType.objects.get_for_model(User),
            # Every request is a new mail (a second reset link, a resent confirmation).
            occasion=uuid.uuid4().hex,
            context={
                **links,
                "url": links.get(MAIN_LINK[kind], ""),
                "signup": template_prefix.endswith("_signup"),
            },
            language=getattr(user, "preferred_language", None) or translation.get_language(),
        )

    def get_login_redirect_url(self, request):
        """Staff who must use two-factor authentication set it up first; then each person
        lands on their own workspace (back-office, commune space), candidates on the home."""
        from accounts.roles import roles_of
        from accounts.security import must_set_up_second_factor

        if must_set_up_second_factor(request.user):
            return reverse("mfa_activate_totp")
        roles = roles_of(request.user)
        if roles.is_metropolis_admin:
            return reverse("backoffice:home")
        if roles.is_commune_staff:
            return reverse("staff:home")
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")
        user.preferred_language = translation.get_language() or user.preferred_language
        if commit:
            user.save()
        return user
