"""After logging in, each person lands on their own workspace."""

import pytest

from tests.factories import PASSWORD, MembershipFactory, TeamMembershipFactory

pytestmark = pytest.mark.django_db


def _log_in(client, user, **query):
    url = "/comptes/login/" + (f"?next={query['next']}" if query else "")
    return client.post(url, {"login": user.email, "password": PASSWORD})


def test_a_commune_team_member_lands_on_the_commune_space(client, settings):
    user = TeamMembershipFactory().user
    response = _log_in(client, user)
    assert response.status_code == 302
    assert response["Location"] == "/equipe/"


def test_a_candidate_lands_on_the_home_page(client):
    user = MembershipFactory().user
    response = _log_in(client, user)
    assert response["Location"] == "/"


def test_an_explicit_next_page_wins(client):
    user = TeamMembershipFactory().user
    response = _log_in(client, user, next="/appels/")
    assert response["Location"] == "/appels/"
