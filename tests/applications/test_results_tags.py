"""The template tag that shows published decisions on the candidate pages."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationTarget
from tests.applications.staff_helpers import World

pytestmark = pytest.mark.django_db


def _render(source, **context):
    return Template("{% load results_tags %}" + source).render(Context(context))


@pytest.fixture
def world():
    world = World(quota_min=1, quota_max=2)
    world.laureate = world.application(world.a, title="Lauréat du quartier")
    ApplicationTarget.objects.filter(pk=world.laureate.pk).update(
        decision="selected", selection_slot=1, decision_motivation="Bravo"
    )
    world.other = world.application(world.a, title="Projet écarté")
    ApplicationTarget.objects.filter(pk=world.other.pk).update(
        decision="not_selected", decision_motivation="Pas cette fois"
    )
    return world


def test_nothing_before_publication(world):
    html = _render("{% decisions_of application %}", application=world.laureate.application)
    assert "Bravo" not in html


def test_decisions_once_published(world):
    world.call.results_published_at = timezone.now()
    world.call.save()
    html = _render("{% decisions_of application %}", application=world.laureate.application)
    assert "Bravo" in html
    html = _render("{% decisions_of application %}", application=world.other.application)
    assert world.a.commune.name in html and "non retenue" in html and "Pas cette fois" in html


def test_candidate_page_shows_the_decision_only_once_published(world, client):
    member = world.laureate.application.organisation.memberships.first().user
    client.force_login(member)
    url = reverse("applications:detail", args=[world.laureate.application.pk])
    assert "Bravo" not in client.get(url).content.decode()
    world.call.results_published_at = timezone.now()
    world.call.save()
    assert "Bravo" in client.get(url).content.decode()
