"""Who may do what with editions, communes and calls."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from accounts.roles import roles_of


def can_manage_calls(user):
    return roles_of(user).is_metropolis_admin


def metropolis_admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_calls(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
