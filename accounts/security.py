"""Two-factor authentication rules: who must use it, and where it is enforced."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings

from accounts.roles import roles_of

# Pages that show applications, reviews or programme data to staff.
STAFF_PATH_PREFIXES = ("/gestion/", "/equipe/", "/admin/", "/notifications/boite-d-envoi/")


def requires_second_factor(user):
    """Metropolis admins, commune managers and Django admin users must use 2FA."""
    if user is None or not user.is_authenticated:
        return False
    roles = roles_of(user)
    return bool(user.is_staff or roles.is_metropolis_admin or roles.manager_of)


def must_set_up_second_factor(user):
    """True while 2FA is enforced, required for this user and not set up yet."""
    if not settings.QMI_MFA_REQUIRED or not requires_second_factor(user):
        return False
    return not is_mfa_enabled(user)


def is_staff_path(path):
    return path.startswith(STAFF_PATH_PREFIXES) and path != "/admin/logout/"
