"""Full-text search in the dashboard: the whole application, accents, stemming,
ranking, the passage highlighted and escaped, never another commune's rows."""

import pytest
from django.db import connection
from django.urls import reverse

from applications.selectors.search import fold, passage
from applications.selectors.staff import DashboardFilters, dashboard_rows
from applications.services.drafting import record_revision
from tests.applications.staff_helpers import World
from tests.factories import ChallengeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def found(world, q, user=None, participation=None):
    rows = dashboard_rows(user or world.manager_a, participation or world.a, DashboardFilters(q=q))
    return [row.pk for row in rows]


def test_fold_keeps_positions():
    assert fold("Vélo-cargo À Œuvre") == "velo-cargo a œuvre"
    assert len(fold("Éé çà")) == len("Éé çà")


def test_accents_and_case_do_not_matter(world):
    target = world.application(world.a, title="Un vélo cargo électrique")
    other = world.application(world.a, title="Compost collectif")
    for q in ("velo", "VÉLO", "vélo cargo", "Electrique"):
        assert found(world, q) == [target.pk], q
    assert found(world, "velo compost") == []
    assert found(world, "compost") == [other.pk]


def test_plural_finds_singular(world):
    target = world.application(world.a, title="Un vélo pour chaque quartier")
    assert found(world, "vélos") == [target.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="French stemming on PostgreSQL")
def test_french_stemming_on_postgresql(world):
    target = world.application(world.a, summary="Les habitants mobilisés trient leurs déchets.")
    assert found(world, "mobilisation habitant déchet") == [target.pk]


def test_every_part_of_the_application_is_searched(world):
    target = world.application(
        world.a, summary="résumé", solution="capteurs lidar", team="ingénieures"
    )
    challenge = ChallengeFactory(participation=world.a, title="Nature en ville")
    target.application.challenges.add(challenge)
    target.experiment_what = "Un jardin partagé"
    target.save()
    organisation = target.application.organisation
    organisation.name = "Zéphyr Mobilités"
    organisation.save()
    record_revision(target.application, None)
    for q in ("lidar", "ingenieures", "nature en ville", "jardin partage", "zephyr"):
        assert found(world, q) == [target.pk], q
    assert found(world, target.application.reference) == [target.pk]


def test_another_communes_rows_and_experiment_are_never_found(world):
    mine, theirs = world.application(world.a, world.b, title="Vélo partagé")
    theirs.experiment_what = "Station secrète à Issy"
    theirs.save()
    record_revision(mine.application, None)
    only_b = world.application(world.b, title="Vélo de B")
    # A's team: its own row of the shared application, never B's rows or B's experiment.
    assert found(world, "velo") == [mine.pk]
    assert found(world, "secrete") == []
    # B's team finds both of its rows; even an admin searches one commune at a time.
    assert sorted(found(world, "velo", world.manager_b, world.b)) == sorted([theirs.pk, only_b.pk])
    assert found(world, "secrete", world.manager_b, world.b) == [theirs.pk]
    # A's manager asking for B's dashboard gets nothing.
    assert found(world, "velo", world.manager_a, world.b) == []


def test_more_relevant_first(world):
    once = world.application(world.a, title="Vélo", summary="Un projet de mobilité.")
    thrice = world.application(world.a, title="Vélo", summary="Vélo, vélo et encore vélo.")
    assert found(world, "velo") == [thrice.pk, once.pk]
    # An explicit sort wins over relevance.
    rows = dashboard_rows(world.manager_a, world.a, DashboardFilters(q="velo", sort="reference"))
    assert [r.pk for r in rows] == sorted([once.pk, thrice.pk], key=lambda pk: pk)


def test_passage_is_highlighted_and_escaped(client, world):
    target = world.application(
        world.a, title="<script>alert(1)</script>", summary="Des vélos <b>cargo</b> en ville"
    )
    client.force_login(world.reviewer_a)
    page = client.get(reverse("staff:dashboard", args=[world.a.pk]), {"q": "velo cargo"})
    body = page.content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert "<b>cargo</b>" not in body
    # PostgreSQL's French stemming marks the word; the simple match marks what matched.
    stemmed = connection.vendor == "postgresql"
    assert ("<mark>vélos</mark>" if stemmed else "<mark>vélo</mark>s") in body
    assert "<mark>cargo</mark>" in body
    row = dashboard_rows(world.reviewer_a, world.a, DashboardFilters(q="velo")).get()
    assert row.pk == target.pk
    assert "<script>" not in passage(row, "velo")


def test_search_through_htmx_returns_only_the_results(client, world):
    world.application(world.a, title="Vélo cargo")
    world.application(world.a, title="Compost")
    client.force_login(world.reviewer_a)
    url = reverse("staff:dashboard", args=[world.a.pk])
    response = client.get(url, {"q": "velo"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and 'id="dashboard-results"' in body
    assert "Vélo cargo" in body and "Compost" not in body
    assert 'role="status"' in body and "1 candidature" in body


def test_bad_filter_values_are_ignored_not_500(client, world):
    target = world.application(world.a, title="Vélo")
    client.force_login(world.reviewer_a)
    url = reverse("staff:dashboard", args=[world.a.pk])
    for params in (
        {"sort": "bogus"},
        {"challenge": "abc"},
        {"decision": "x" * 300},
        {"q": "x" * 500},
        {"q": "'\"&|!:*()<>"},
        {"page": "-1"},
    ):
        response = client.get(url, params)
        assert response.status_code == 200, params
    assert target.application.reference in client.get(url, {"sort": "bogus"}).content.decode()


def test_search_query_count_is_constant(client, django_assert_max_num_queries):
    counts = []
    for size in (1, 30):
        world = World()
        for index in range(size):
            world.application(world.a, title=f"Vélo numéro {index}")
        client.force_login(world.reviewer_a)
        url = reverse("staff:dashboard", args=[world.a.pk])
        with django_assert_max_num_queries(14) as captured:
            response = client.get(url, {"q": "velo"})
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN index on PostgreSQL")
def test_the_gin_index_serves_the_search(world):
    """The search's expression is the indexed one (the planner may use it). Sequential
    and plain index scans are off: on a table this small a full scan of another index
    may cost the same; a bitmap scan needs a condition its index can answer."""
    from applications.models import ApplicationTarget
    from applications.selectors.search import search

    world.application(world.a, title="Vélo cargo")
    rows = search(ApplicationTarget.objects.all(), "velo")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = rows.explain()
    assert "target_search_gin_idx" in plan, plan
