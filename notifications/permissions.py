"""Who may do what in the notifications app (roles from accounts.roles only)."""

from accounts.roles import roles_of


def can_manage_outbox(user):
    """The outbox (every message of the platform) is for metropolis admins."""
    return roles_of(user).is_metropolis_admin
