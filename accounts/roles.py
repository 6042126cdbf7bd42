"""The platform's roles, answered in one place.

metropolis admin: ``User.is_metropolis_admin``; commune team member:
``communes.TeamMembership`` (reviewer or manager, per commune); candidate:
member of an organisation (``applications.OrganisationMembership``). The roles
computed for every page cost one query.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Roles:
    is_authenticated: bool = False
    is_metropolis_admin: bool = False
    reviewer_of: frozenset = field(default_factory=frozenset)  # commune ids
    manager_of: frozenset = field(default_factory=frozenset)  # commune ids
    # Member of at least one organisation: staff without one are not offered
    # the candidate's pages in their menu.
    has_organisation: bool = False

    @property
    def is_commune_staff(self):
        return bool(self.reviewer_of or self.manager_of)

    @property
    def staff_communes(self):
        return self.reviewer_of | self.manager_of


ORGANISATION_ROW = "organisation"


def roles_of(user):
    """Roles of a user, computed once per request and cached on the user."""
    if user is None or not user.is_authenticated:
        return Roles()
    cached = getattr(user, "_qmi_roles", None)
    if cached is not None:
        return cached
    from django.apps import apps
    from django.db.models import CharField, IntegerField, Value

    from communes.models import TeamMembership

    # The model by name: accounts must not import the applications app.
    organisation_membership = apps.get_model("applications", "OrganisationMembership")
    team_rows = TeamMembership.objects.filter(user=user).values_list("commune_id", "role")
    organisation_rows = organisation_membership.objects.filter(user=user).values_list(
        Value(0, output_field=IntegerField()),
        Value(ORGANISATION_ROW, output_field=CharField()),
    )
    reviewer, manager, has_organisation = set(), set(), False
    # One query for both: the roles are read on every page.
    for commune_id, role in team_rows.union(organisation_rows, all=True):
        if role == ORGANISATION_ROW:
            has_organisation = True
        else:
            (manager if role == TeamMembership.Role.MANAGER else reviewer).add(commune_id)
    roles = Roles(
        is_authenticated=True,
        is_metropolis_admin=user.is_metropolis_admin or user.is_superuser,
        reviewer_of=frozenset(reviewer),
        manager_of=frozenset(manager),
        has_organisation=has_organisation,
    )
    user._qmi_roles = roles
    return roles


def is_metropolis_admin(user):
    return roles_of(user).is_metropolis_admin
