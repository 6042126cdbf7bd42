"""Rate limits of the forms that mail an address nobody has confirmed yet.

They reuse allauth's rate limiter (the cache, per IP and per address), with
the rates in ``ACCOUNT_RATE_LIMITS["mail_unconfirmed"]``. With Redis down the
cache degrades and the limits are lifted rather than refusing everyone.
"""

from allauth.core import ratelimit
from django.utils.translation import gettext_lazy as _

TOO_MANY_MAILS = _(
    "Trop de demandes d’e-mail pour cette adresse ou depuis votre connexion : "
    "réessayez dans une heure."
)


def allow_mail_to_unconfirmed(request, address):
    """Count one mail to ``address``; False once the IP or the address is over its limit."""
    return ratelimit.consume(request, action="mail_unconfirmed", key=address.strip().lower())
