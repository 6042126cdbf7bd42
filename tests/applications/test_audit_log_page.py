"""Issue 14.7: the audit log reads well (labels, no "None", withdrawals and changes of
communes named as such), filters by who, what, when and commune, exports CSV with
formulas neutralised, pages, and makes the same number of queries whatever the rows."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationTarget
from applications.selectors.audit import AuditFilters, audit_entries
from applications.services.drafting import set_targets
from applications.services.screening import screen
from applications.services.selection import decide
from applications.services.submission import withdraw_application
from tests.applications.staff_helpers import World, refresh
from tests.factories import AdminFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World(quota_min=1, quota_max=3, closed=True)


@pytest.fixture
def admin():
    return AdminFactory(full_name="Alice Admin")


def _select(world, target, motivation="Retenu"):
    screen(user=world.manager_a, target=refresh(target), eligibility="eligible")
    return decide(
        user=world.manager_a,
        target=refresh(target),
        decision=ApplicationTarget.Decision.SELECTED,
        motivation=motivation,
    )


def test_a_withdrawal_is_not_a_decision(world):
    target = world.application(world.a)
    _select(world, target)
    application = target.application
    candidate = application.organisation.members.first()
    withdraw_application(application=application, user=candidate)
    entries = audit_entries(world.call)
    withdrawal = entries[0]
    assert str(withdrawal.action) == "candidature retirée par le candidat"
    assert withdrawal.who == candidate
    assert [tuple(map(str, c)) for c in withdrawal.changes] == [
        ("décision", "retenue", "place libérée")
    ]
    assert [str(e.action) for e in entries].count("décision") == 1  # the manager's only


def test_a_commune_unticked_by_the_candidate_is_not_a_screening(world):
    target_a, _target_b = world.application(world.a, world.b)
    screen(user=world.manager_a, target=refresh(target_a), eligibility="eligible")
    set_targets(target_a.application, [world.b], timezone.now())  # A unticked
    set_targets(target_a.application, [world.a, world.b], timezone.now())  # and again
    actions = [(str(e.action), e.changes) for e in audit_entries(world.call)]
    assert [a for a, _c in actions].count("examen d'éligibilité") == 1
    changed = [c for a, c in actions if a == "communes visées changées par le candidat"]
    assert [[tuple(map(str, x)) for x in c] for c in changed] == [
        [("commune visée", "non", "oui")],
        [("commune visée", "oui", "non")],
    ]


def test_the_page_never_shows_none_and_labels_every_field(client, world, admin):
    target = world.application(world.a)
    screen(
        user=world.manager_a,
        target=refresh(target),
        eligibility="ineligible",
        reason="Hors champ",
    )
    client.force_login(admin)
    page = plain(client.get(reverse("staff:audit_log", args=[world.call.pk])).content.decode())
    assert "None" not in page
    assert "éligibilité : à examiner → non éligible" in page
    assert "motif de non-éligibilité : — → Hors champ" in page


def _story(world):
    first = world.application(world.a)
    second = world.application(world.b)
    _select(world, first)
    screen(user=world.manager_b, target=refresh(second), eligibility="eligible")
    return first, second


def test_filters_by_who_what_commune_and_when(client, world, admin):
    _story(world)
    client.force_login(admin)
    url = reverse("staff:audit_log", args=[world.call.pk])

    def rows(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [(str(e.action), e.commune) for e in response.context["page"]]

    assert len(rows()) == 3
    assert rows(kind="decision") == [("décision", world.a.commune.name)]
    assert sorted(rows(commune=world.b.commune_id)) == [
        ("examen d'éligibilité", world.b.commune.name)
    ]
    assert len(rows(who=world.manager_a.email.upper())) == 2
    today = timezone.localdate()
    assert len(rows(since=today.isoformat(), until=today.isoformat())) == 3
    assert rows(since=(today + datetime.timedelta(days=1)).isoformat()) == []
    # A period that ends before it starts: said on the field, nothing filtered.
    response = client.get(url, {"since": today.isoformat(), "until": "2000-01-01"})
    assert "La date de fin précède la date de début" in plain(response.content.decode())
    assert len(response.context["page"]) == 3
    # Forged values: a form error or no match, never a 500.
    assert client.get(url, {"commune": "²", "kind": "nonsense"}).status_code == 200


def test_filters_are_kept_across_pages_and_in_the_export_link(client, world, admin):
    _story(world)
    client.force_login(admin)
    page = client.get(
        reverse("staff:audit_log", args=[world.call.pk]), {"kind": "screening", "page": "1"}
    ).content.decode()
    assert 'href="?kind=screening&amp;export=csv"' in page


def test_csv_export_with_formulas_neutralised(client, world, admin):
    target = world.application(world.a)
    _select(world, target, motivation='=HYPERLINK("http://evil.example")')
    client.force_login(admin)
    response = client.get(
        reverse("staff:audit_log", args=[world.call.pk]), {"kind": "decision", "export": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Quand (heure de Paris)", "Qui", "Action"]
    assert len(rows) == 2
    assert rows[1][2] == "décision"
    assert rows[1][3] == world.a.commune.name
    assert "motivation : — → =HYPERLINK" in rows[1][5]  # inside the cell, not at its start
    response = client.get(
        reverse("staff:audit_log", args=[world.call.pk]), {"who": "=cmd", "export": "csv"}
    )
    assert (
        len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))) == 1
    )


def test_a_cell_starting_with_a_formula_is_neutralised(client, world, admin):
    world.manager_a.full_name = "=SUM(A1)"
    world.manager_a.save()
    _select(world, world.application(world.a))
    client.force_login(admin)
    response = client.get(reverse("staff:audit_log", args=[world.call.pk]), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert {row[1] for row in rows[1:]} == {"'=SUM(A1)"}


def test_the_page_makes_the_same_number_of_queries_whatever_the_rows(
    client, world, admin, django_assert_max_num_queries
):
    url = reverse("staff:audit_log", args=[world.call.pk])
    _select(world, world.application(world.a))
    client.force_login(admin)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _ in range(8):
        target = world.application(world.a, world.b)[1]
        screen(user=world.manager_b, target=refresh(target), eligibility="eligible")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 10


def test_the_log_is_paginated(client, world, admin, monkeypatch):
    from applications.views import audit

    monkeypatch.setattr(audit, "PAGE_SIZE", 2)
    _story(world)
    client.force_login(admin)
    url = reverse("staff:audit_log", args=[world.call.pk])
    first = client.get(url)
    assert len(first.context["page"]) == 2 and first.context["page"].has_next()
    second = client.get(url, {"page": 2})
    assert len(second.context["page"]) == 1


def test_the_publication_of_the_call_is_in_the_log_with_who(client, admin):
    from tests.factories import CallFactory, CriterionFactory, ParticipationFactory

    call = CallFactory(published_at=None)
    ParticipationFactory(call=call)
    CriterionFactory(call=call)
    client.force_login(admin)
    assert client.post(reverse("backoffice:call_publish", args=[call.pk])).status_code == 302
    (entry,) = audit_entries(call, AuditFilters(kind="call_published"))
    assert (str(entry.action), entry.who) == ("appel publié", admin)
