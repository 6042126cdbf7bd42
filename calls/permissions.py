"""Who may do what with editions, communes and calls."""

from accounts.roles import roles_of
from qmi.permissions import rule


def can_manage_calls(user):
    return roles_of(user).is_metropolis_admin


# The back-office's rule, named once (qmi.permissions).
metropolis_admin_required = rule(can_manage_calls)
