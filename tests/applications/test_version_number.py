"""The version number of an application reads the same for its team and its candidate."""

import re

import pytest
from django.urls import reverse

from applications.services.submission import submit_application
from tests.applications.candidate_factories import complete_draft, member_of
from tests.factories import TeamMembershipFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db


def shown_version(html):
    return re.findall(r"Dernière version \(v(\d+)\)", plain(html))


def test_staff_and_candidate_see_the_same_version(client):
    application = complete_draft()
    member = member_of(application.organisation)
    client.force_login(member)
    step = reverse("applications:step", args=[application.pk, "budget"])
    budget = {"budget_funding": "Fonds propres.", "budget_ask": "Un local."}
    # Draft saves (and autosaves) bump the edit counter, not the version.
    for cost in ["1000", "2000", "3000"]:
        application.refresh_from_db()
        client.post(step, {**budget, "budget_cost": cost, "version": application.version})
    application.refresh_from_db()
    application = submit_application(application=application, user=member)
    client.post(
        step,
        {**budget, "budget_cost": "30000", "version": application.version},
    )
    application.refresh_from_db()
    assert application.version > 2  # the counter of saves, never shown
    candidate_page = client.get(reverse("applications:detail", args=[application.pk]))
    assert shown_version(candidate_page.content.decode()) == ["2"]

    target = application.targets.get()
    manager = TeamMembershipFactory(commune=target.participation.commune, role="manager").user
    client.force_login(manager)
    staff_page = client.get(reverse("staff:application", args=[target.pk]))
    assert staff_page.status_code == 200
    assert shown_version(staff_page.content.decode()) == ["2"]
