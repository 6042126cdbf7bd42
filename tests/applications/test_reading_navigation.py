"""Previous / next application on the staff page, in the dashboard's order and filters."""

import html
import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from applications.filters import DashboardFilterSet
from applications.models import ApplicationTarget
from applications.selectors import reading
from tests.applications.staff_helpers import World, refresh

pytestmark = pytest.mark.django_db

Eligibility = ApplicationTarget.Eligibility


@pytest.fixture
def world():
    """Commune A: five applications with distinct scores (and B's rows beside them)."""
    world = World(hide_reviews=False)
    world.rows = []
    for n, scores in enumerate([[1, 1], [5, 5], [3, 3], [4, 4], [2, 2]]):
        target = world.application(world.a, title=f"Projet {'EDCBA'[n]}")
        world.submitted_review(target, world.reviewer_a2, scores)
        world.rows.append(refresh(target))
    world.other = world.application(world.b)
    return world


def _nav(user, target, query=""):
    return reading.neighbours(user, target, QueryDict(query))


def test_default_order_is_the_dashboards_score_order(world):
    # Scores 1, 5, 3, 4, 2: by score descending the order is rows 1, 3, 2, 4, 0.
    best, second, third, fourth, last = (world.rows[i] for i in (1, 3, 2, 4, 0))
    first = _nav(world.manager_a, best)
    assert (first.previous_id, first.next_id, first.position, first.total) == (
        None,
        second.pk,
        1,
        5,
    )
    middle = _nav(world.manager_a, third)
    assert (middle.previous_id, middle.next_id, middle.position) == (second.pk, fourth.pk, 3)
    end = _nav(world.manager_a, last)
    assert (end.previous_id, end.next_id, end.position) == (fourth.pk, None, 5)


def test_sort_and_filters_of_the_query_string_apply(world):
    by_title = sorted(world.rows, key=lambda t: t.application.title)
    nav = _nav(world.manager_a, by_title[1], "sort=title")
    assert (nav.previous_id, nav.next_id, nav.position, nav.total) == (
        by_title[0].pk,
        by_title[2].pk,
        2,
        5,
    )
    # A filter narrows the neighbours to the rows it keeps.
    kept = [world.rows[0], world.rows[2], world.rows[4]]
    ApplicationTarget.objects.filter(pk__in=[t.pk for t in kept]).update(
        eligibility=Eligibility.ELIGIBLE
    )
    nav = _nav(world.manager_a, world.rows[2], "eligibility=eligible&sort=-score")
    assert (nav.previous_id, nav.next_id, nav.position, nav.total) == (
        None,
        world.rows[4].pk,
        1,
        3,
    )
    assert nav.query == "eligibility=eligible&sort=-score"


def test_a_row_outside_the_filters_has_no_neighbours(world):
    nav = _nav(world.manager_a, world.rows[0], "eligibility=eligible")
    assert (nav.previous_id, nav.next_id, nav.position) == (None, None, None)


def test_search_order_is_kept(world):
    ApplicationTarget.objects.filter(pk=world.rows[0].pk).update(
        search_folded="velo velo velo", search_text="vélo vélo vélo"
    )
    ApplicationTarget.objects.filter(pk=world.rows[3].pk).update(
        search_folded="velo", search_text="vélo"
    )
    nav = _nav(world.manager_a, world.rows[0], "q=vélos")
    assert (nav.previous_id, nav.next_id, nav.position, nav.total) == (
        None,
        world.rows[3].pk,
        1,
        2,
    )


def test_neighbours_never_cross_to_another_commune(world):
    # B's only row has no neighbours, and A's rows are never among them.
    nav = _nav(world.manager_b, refresh(world.other))
    assert (nav.previous_id, nav.next_id, nav.position, nav.total) == (None, None, 1, 1)


def test_one_query_whatever_the_number_of_rows(world, django_assert_num_queries):
    """One query reads the rows (the other one is the filter form's challenge list),
    with no window over them; it returns a single row, whatever the commune's number of
    applications."""
    manager = world.manager_a
    _nav(manager, world.rows[2])  # the user's roles, cached for the request

    def count_reads():
        with django_assert_num_queries(2) as captured:
            nav = _nav(manager, world.rows[2], "sort=reference")
        reads = [q["sql"] for q in captured.captured_queries if "applicationtarget" in q["sql"]]
        assert len(reads) == 1 and "OVER" not in reads[0]
        return nav

    assert count_reads().total == 5
    for _n in range(10):
        world.application(world.a)
    assert count_reads().total == 15


@pytest.mark.parametrize(
    "query", ["", "sort=score", "sort=-reviews", "sort=decision", "sort=title", "q=projet"]
)
def test_neighbours_follow_the_dashboard_through_ties_and_hidden_scores(query):
    """Every row's previous, next and position agree with the dashboard's own list,
    with equal scores, equal review counts and scores the reviewer may not see yet."""
    world = World(hide_reviews=True)
    rows = [world.application(world.a, title=f"Projet {n % 3}") for n in range(7)]
    for target, scores in zip(rows, [[4, 4], [4, 4], [2, 2], [4, 4], [2, 2]], strict=False):
        world.submitted_review(target, world.reviewer_a2, scores)
    # reviewer_a has reviewed three rows: only their scores are visible to them.
    for target in rows[1:4]:
        world.submitted_review(target, world.reviewer_a, [3, 3])
    for user in (world.manager_a, world.reviewer_a):
        listed = [
            row.pk
            for row in DashboardFilterSet(QueryDict(query), participation=world.a, user=user).qs
        ]
        assert len(listed) == 7
        for position, pk in enumerate(listed):
            nav = _nav(user, ApplicationTarget.objects.get(pk=pk), query)
            expected = (
                listed[position - 1] if position else None,
                listed[position + 1] if position + 1 < len(listed) else None,
                position + 1,
                7,
            )
            assert (nav.previous_id, nav.next_id, nav.position, nav.total) == expected


def test_unknown_keys_are_dropped_and_values_bounded():
    query = reading.navigation_query(
        QueryDict("page=3&sort=title&q=" + "x" * 500 + "&evil=1&hx-request=true")
    )
    parsed = QueryDict(query)
    assert set(parsed) == {"sort", "q"}
    assert len(parsed["q"]) == 100


def test_the_page_links_carry_the_dashboard_query(client, world):
    client.force_login(world.manager_a)
    dashboard = client.get(reverse("staff:dashboard", args=[world.a.pk]), {"sort": "title"})
    first = min(world.rows, key=lambda t: t.application.title)
    link = reverse("staff:application", args=[first.pk]) + "?sort=title"
    assert link in html.unescape(dashboard.content.decode())

    page = html.unescape(client.get(link).content.decode())
    by_title = sorted(world.rows, key=lambda t: t.application.title)
    assert reverse("staff:application", args=[by_title[1].pk]) + "?sort=title" in page
    assert "Candidature précédente" not in page
    assert re.search(r"1\W+sur\W+5", page)
    # The back link and the forms keep the order too.
    assert reverse("staff:dashboard", args=[world.a.pk]) + "?sort=title" in page
    assert reverse("staff:save_review", args=[first.pk]) + "?sort=title" in page


def test_after_a_form_the_page_keeps_its_place(client, world):
    client.force_login(world.manager_a)
    target = world.rows[2]
    response = client.post(
        reverse("staff:add_note", args=[target.pk]) + "?sort=title&page=2",
        {"body": "À revoir"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:application", args=[target.pk]) + "?sort=title"


def test_another_communes_row_is_still_a_404(client, world):
    client.force_login(world.manager_a)
    url = reverse("staff:application", args=[world.other.pk]) + "?sort=title"
    assert client.get(url).status_code == 404
