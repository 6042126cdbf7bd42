from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_account_mail(self, subject, body, to, html=None, from_email=None, headers=None):
    """Deliver an account e-mail (verification, password reset) rendered by allauth."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
