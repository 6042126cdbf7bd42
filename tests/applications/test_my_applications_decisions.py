""" "Mes candidatures" shows each commune's decision once results are published."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationTarget
from applications.services.submission import submit_application
from tests.applications.candidate_factories import complete_draft
from tests.factories import CallFactory, MembershipFactory, OrganisationFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db
MAX_QUERIES = 14


def closed_call():
    now = timezone.now()
    return CallFactory(
        opens_at=now - datetime.timedelta(days=40), closes_at=now - datetime.timedelta(days=10)
    )


def submitted_to(call, user, decision, commune_name=None):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user=user, role="member")
    application = complete_draft(call=CallFactory(), organisation=organisation)
    submit_application(application=application, user=user)
    application.call = call
    application.save(update_fields=["call"])
    target = application.targets.get()
    target.participation.call = call
    target.participation.save(update_fields=["call"])
    if commune_name:
        target.participation.commune.name = commune_name
        target.participation.commune.save(update_fields=["name"])
    slot = 1 if decision == "selected" else None
    ApplicationTarget.objects.filter(pk=target.pk).update(decision=decision, selection_slot=slot)
    return application


def publish(call):
    call.results_published_at = timezone.now()
    call.save(update_fields=["results_published_at"])


def test_each_communes_decision_shows_once_published(client, candidate):
    call = closed_call()
    submitted_to(call, candidate, "selected", "Argenteuil")
    submitted_to(call, candidate, "not_selected", "Issy-les-Moulineaux")
    client.force_login(candidate)
    before = plain(client.get(reverse("applications:my_applications")).content.decode())
    assert "retenue par Argenteuil" not in before and "Résultats publiés" not in before
    publish(call)
    html = plain(client.get(reverse("applications:my_applications")).content.decode())
    assert "retenue par Argenteuil" in html
    assert "non retenue par Issy-les-Moulineaux" in html


def test_a_draft_never_says_results_published(client, candidate):
    call = closed_call()
    organisation = candidate.organisations.get()
    complete_draft(call=call, organisation=organisation)
    publish(call)
    client.force_login(candidate)
    html = plain(client.get(reverse("applications:my_applications")).content.decode())
    assert "Résultats publiés" not in html and "résultats publiés" not in html
    assert "Non déposée avant la date limite" in html


@pytest.mark.parametrize("count", [1, 6])
def test_the_decisions_cost_no_query_per_row(
    client, candidate, count, django_assert_max_num_queries
):
    call = closed_call()
    for index in range(count):
        submitted_to(call, candidate, "selected" if index == 0 else "not_selected")
    publish(call)
    client.force_login(candidate)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("applications:my_applications"))
    assert plain(response.content.decode()).count("retenue par") == count
