"""The platform's roles, answered in one place.

metropolis admin: ``User.is_metropolis_admin``; commune team member:
``communes.TeamMembership`` (reviewer or manager, per commune); candidate:
member of an organisation (``applications.OrganisationMembership``), asked where it
matters only: the roles computed for every page cost one query.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Roles:
    is_authenticated: bool = False
    is_metropolis_admin: bool = False
    reviewer_of: frozenset = field(default_factory=frozenset)  # commune ids
    manager_of: frozenset = field(default_factory=frozenset)  # commune ids

    @property
    def is_commune_staff(self):
        return bool(self.reviewer_of or self.manager_of)

    @property
    def staff_communes(self):
        return self.reviewer_of | self.manager_of


def roles_of(user):
    """Roles of a user, computed once per request and cached on the user."""
    if user is None or not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_qmi_roles", None)
    if cached is not None:
        return cached
    from communes.models import TeamMembership

    reviewer, manager = set(), set()
    for commune_id, role in TeamMembership.objects.filter(user=user).values_list(
        "commune_id", "role"
    ):
        (manager if role == TeamMembership.Role.MANAGER else reviewer).add(commune_id)
    roles = Roles(
        is_authenticated=True,
        is_metropolis_admin=user.is_metropolis_admin or user.is_superuser,
        reviewer_of=frozenset(reviewer),
        manager_of=frozenset(manager),
    )
    user._qmi_roles = roles
    return roles


def is_metropolis_admin(user):
    return roles_of(user).is_metropolis_admin
