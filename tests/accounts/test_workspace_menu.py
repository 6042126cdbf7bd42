"""The "Mon espace" menu offers each person their own pages, read from one query."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import roles_of
from communes.models import TeamMembership
from tests.factories import (
    AdminFactory,
    CommuneFactory,
    MembershipFactory,
    TeamMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def workspace_menu(client, user):
    client.force_login(user)
    html = client.get(reverse("calls:call_list")).content.decode()
    menu = re.search(r'aria-labelledby="workspace-menu">(.*?)</ul>', html, re.S)
    assert menu, "the workspace menu is on the page"
    return menu.group(1)


def links_to(menu, url_name):
    return f'href="{reverse(url_name)}"' in menu


def offers_candidate_pages(menu):
    return links_to(menu, "applications:my_applications")


def test_staff_without_an_organisation_are_not_offered_the_candidate_pages(client):
    manager = TeamMembershipFactory(role=TeamMembership.Role.MANAGER).user
    menu = workspace_menu(client, manager)
    assert not offers_candidate_pages(menu)
    assert not links_to(menu, "experimentations:my_pilots")
    assert links_to(menu, "staff:home")


def test_admins_without_an_organisation_are_not_offered_the_candidate_pages(client):
    assert not offers_candidate_pages(workspace_menu(client, AdminFactory()))


def test_staff_who_belong_to_an_organisation_see_both(client):
    reviewer = TeamMembershipFactory().user
    MembershipFactory(user=reviewer)
    menu = workspace_menu(client, reviewer)
    assert offers_candidate_pages(menu)
    assert links_to(menu, "staff:home")


def test_a_person_with_no_role_is_offered_the_candidate_pages_to_start(client):
    menu = workspace_menu(client, UserFactory())
    assert offers_candidate_pages(menu)
    assert not links_to(menu, "staff:home")


def test_roles_are_read_in_one_query():
    user = UserFactory()
    commune, other = CommuneFactory(), CommuneFactory()
    TeamMembershipFactory(user=user, commune=commune, role=TeamMembership.Role.MANAGER)
    TeamMembershipFactory(user=user, commune=other)
    MembershipFactory(user=user)
    MembershipFactory(user=user)
    with CaptureQueriesContext(connection) as queries:
        roles = roles_of(user)
    assert len(queries) == 1
    assert roles.manager_of == {commune.pk}
    assert roles.reviewer_of == {other.pk}
    assert roles.has_organisation
