"""The template tags that show published results on public and candidate pages."""

import pytest
from django.template import Context, Template
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
    assert "Lauréat du quartier" not in _render("{% laureates_list call=call %}", call=world.call)
    html = _render("{% decisions_of application %}", application=world.laureate.application)
    assert "Bravo" not in html


def test_laureates_and_decisions_once_published(world):
    world.call.results_published_at = timezone.now()
    world.call.save()
    html = _render("{% laureates_list call=call %}", call=world.call)
    assert "Lauréat du quartier" in html and "Projet écarté" not in html
    html = _render("{% laureates_list commune=commune %}", commune=world.a.commune)
    assert "Lauréat du quartier" in html
    html = _render("{% decisions_of application %}", application=world.other.application)
    assert world.a.commune.name in html and "non retenue" in html and "Pas cette fois" in html
