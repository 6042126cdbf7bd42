from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction
from django.urls import reverse
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render in the recipient's language, deliver through Celery after commit."""
        from accounts.models import User
        from accounts.tasks import send_account_mail

        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        payload = {
            "subject": message.subject,
            "body": message.body,
            "to": list(message.to),
            "html": html,
            "from_email": message.from_email,
            "headers": dict(message.extra_headers),
        }
        transaction.on_commit(lambda: send_account_mail.delay(**payload))

    def get_login_redirect_url(self, request):
        """Staff who must use two-factor authentication set it up first."""
        from accounts.security import must_set_up_second_factor

        if must_set_up_second_factor(request.user):
            return reverse("mfa_activate_totp")
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.full_name = form.cleaned_data.get("full_name", "")
        user.preferred_language = translation.get_language() or user.preferred_language
        if commit:
            user.save()
        return user
