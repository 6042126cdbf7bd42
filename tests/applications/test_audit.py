"""The audit log: who did what, when, from the history tables; admins only."""

import pytest
from django.urls import reverse

from applications.models import ApplicationTarget
from applications.selectors.audit import audit_entries
from applications.services.results import publish_results
from applications.services.review import save_review
from applications.services.screening import screen
from applications.services.selection import decide, finalise_selection, reopen_selection
from tests.applications.staff_helpers import World, refresh
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


def _story(world, admin):
    target = refresh(world.application(world.a))
    screen(user=world.manager_a, target=target, eligibility="eligible")
    save_review(
        user=world.reviewer_a,
        target=refresh(target),
        scores={c.pk: 3 for c in world.criteria},
        recommendation="select",
        submit=True,
    )
    decide(
        user=world.manager_a,
        target=refresh(target),
        decision=ApplicationTarget.Decision.SELECTED,
        motivation="Retenu",
    )
    finalise_selection(user=world.manager_a, participation=world.a)
    reopen_selection(user=admin, participation=world.a)
    finalise_selection(user=world.manager_a, participation=world.a)
    target_b = screen(
        user=world.manager_b, target=refresh(world.application(world.b)), eligibility="eligible"
    )
    decide(
        user=world.manager_b,
        target=refresh(target_b),
        decision=ApplicationTarget.Decision.SELECTED,
        motivation="Oui",
    )
    finalise_selection(user=world.manager_b, participation=world.b)
    publish_results(user=admin, call=world.call)
    return target


def test_every_audited_action_with_who_and_what(django_assert_max_num_queries):
    world = World(quota_min=1, quota_max=2, closed=True)
    admin = AdminFactory()
    _story(world, admin)
    with django_assert_max_num_queries(7):  # one per audited table (questions: two)
        entries = audit_entries(world.call)
    actions = [(str(e.action), e.who) for e in reversed(entries)]
    assert ("examen d'éligibilité", world.manager_a) in actions
    assert ("évaluation soumise", world.reviewer_a) in actions
    assert ("décision", world.manager_a) in actions
    assert ("sélection finalisée", world.manager_a) in actions
    assert ("sélection rouverte", admin) in actions
    assert ("résultats publiés", admin) in actions
    decision = next(e for e in entries if str(e.action) == "décision" and e.who == world.manager_a)
    assert ("décision", "pas de décision", "retenue") in [
        (str(label), str(old), str(new)) for label, old, new in decision.changes
    ]


def test_audit_page_for_admins_only(client):
    world = World(quota_min=1, quota_max=2, closed=True)
    admin = AdminFactory()
    _story(world, admin)
    url = reverse("staff:audit_log", args=[world.call.pk])
    client.force_login(world.manager_a)
    assert client.get(url).status_code == 403
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    assert "résultats publiés" in response.content.decode()


def test_every_change_of_a_submitted_review_is_in_the_audit_log_with_old_and_new(client):
    world = World(closed=False)
    target = refresh(world.application(world.a))
    innovation, feasibility = world.criteria

    def save(scores, comment, recommendation="select"):
        save_review(
            user=world.reviewer_a,
            target=refresh(target),
            scores=dict(zip((innovation.pk, feasibility.pk), scores, strict=True)),
            comment=comment,
            recommendation=recommendation,
            submit=True,
        )

    save([3, 3], "Solide")
    save([5, 3], "Solide", "maybe")  # after reading the colleagues' reviews
    save([5, 1], "Finalement fragile")
    changes = [e for e in audit_entries(world.call) if e.action == "évaluation soumise modifiée"]
    assert len(changes) == 2
    latest, first = changes
    assert ("Innovation", 3, 5) in first.changes
    assert any(c[1:] == ("à retenir", "à discuter") for c in first.changes)
    assert ("Faisabilité", 3, 1) in latest.changes
    assert any(c[1:] == ("Solide", "Finalement fragile") for c in latest.changes)
    assert all(e.who == world.reviewer_a for e in changes)

    client.force_login(AdminFactory())
    page = client.get(reverse("staff:audit_log", args=[world.call.pk])).content.decode()
    assert "Finalement fragile" in page and "Innovation" in page
