"""Who may read which dashboard. Public statistics and open data need no permission."""

from accounts.roles import roles_of


def can_see_programme_dashboard(user):
    return roles_of(user).is_metropolis_admin


def can_see_commune_dashboard(user, commune):
    roles = roles_of(user)
    return roles.is_metropolis_admin or commune.pk in roles.manager_of


def can_see_a_dashboard(user):
    """The dashboards' home: metropolis admins and the managers of a commune."""
    roles = roles_of(user)
    return roles.is_metropolis_admin or bool(roles.manager_of)


def dashboard_communes(user):
    """Communes whose dashboard the user may open (all of them for metropolis admins)."""
    from communes.models import Commune

    roles = roles_of(user)
    if roles.is_metropolis_admin:
        return Commune.objects.filter(participations__isnull=False).distinct().order_by("name")
    return Commune.objects.filter(pk__in=roles.manager_of).order_by("name")
