import pytest
from django.urls import reverse

from applications.services.submission import submit_application
from tests.applications.candidate_factories import complete_draft
from tests.factories import CallFactory, MembershipFactory, OrganisationFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db
MAX_QUERIES = 14


def add_applications(user, count):
    for _ in range(count):
        organisation = OrganisationFactory()
        MembershipFactory(organisation=organisation, user=user, role="member")
        application = complete_draft(call=CallFactory(), organisation=organisation)
        submit_application(application=application, user=user)
        complete_draft(call=CallFactory(), organisation=organisation)


@pytest.mark.parametrize("count", [1, 6])
def test_my_applications_query_count_does_not_grow(
    client, candidate, count, django_assert_max_num_queries
):
    add_applications(candidate, count)
    client.force_login(candidate)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("applications:my_applications"))
    assert response.status_code == 200
    assert response.content.decode().count("data-countdown") >= 2 * count


def test_my_applications_shows_state_call_deadline_and_next_step(client, candidate):
    add_applications(candidate, 1)
    client.force_login(candidate)
    html = plain(client.get(reverse("applications:my_applications")).content.decode())
    assert "déposée" in html and "brouillon" in html
    assert "heure de Paris" in html
    assert "Compléter et déposer avant la date limite" in html
    assert (
        "modifiable jusqu&#x27;à la date limite" in html
        or "modifiable jusqu'à la date limite" in html
    )
