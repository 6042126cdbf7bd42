"""The team dashboard: rows, scores computed by the database, filters, totals, query count."""

import pytest
from django.urls import reverse

from applications.models import ApplicationTarget, Review
from applications.selectors.staff import (
    DashboardFilters,
    dashboard_rows,
    dashboard_totals,
    rank_rows,
    ranked,
    scored_targets,
)
from tests.applications.staff_helpers import World
from tests.factories import ChallengeFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World(hide_reviews=False)


def test_weighted_score_is_computed_by_the_database(world):
    target = world.application(world.a)
    # (5*2 + 2*1) / 3 = 4 ; (3*2 + 0*1) / 3 = 2 ; overall (12 + 6) / 6 = 3
    world.submitted_review(target, world.reviewer_a, [5, 2])
    world.submitted_review(target, world.reviewer_a2, [3, 0])
    # A draft does not count.
    Review.objects.create(target=target, reviewer=world.manager_a, state="draft")
    row = dashboard_rows(world.manager_a, world.a, DashboardFilters()).get()
    assert row.review_count == 2
    assert row.visible_score == pytest.approx(3.0)


def test_ranking_by_score(world):
    low, high, none = (world.application(world.a) for _ in range(3))
    world.submitted_review(low, world.reviewer_a, [1, 1])
    world.submitted_review(high, world.reviewer_a, [5, 4])
    rows = list(dashboard_rows(world.manager_a, world.a, DashboardFilters(sort="-score")))
    assert [r.pk for r in rows] == [high.pk, low.pk, none.pk]
    assert [r.rank for r in rank_rows(world.manager_a, world.a, rows)] == [1, 2, None]
    rows = list(dashboard_rows(world.manager_a, world.a, DashboardFilters(sort="score")))
    assert [r.pk for r in rows][:2] == [low.pk, high.pk]


def test_only_submitted_applications_of_the_commune(world):
    mine = world.application(world.a)
    world.application(world.b)
    world.draft(world.a)
    rows = list(dashboard_rows(world.reviewer_a, world.a, DashboardFilters()))
    assert [r.pk for r in rows] == [mine.pk]


def test_filters_and_search(world):
    challenge = ChallengeFactory(participation=world.a, title="Mobilité")
    one = world.application(world.a, title="Vélos partagés")
    two = world.application(world.a, title="Compost collectif")
    one.application.challenges.add(challenge)
    two.eligibility = ApplicationTarget.Eligibility.INELIGIBLE
    two.decision = ""
    two.save()
    world.submitted_review(one, world.reviewer_a, [3, 3])

    def pks(**kwargs):
        return [r.pk for r in dashboard_rows(world.reviewer_a, world.a, DashboardFilters(**kwargs))]

    assert pks(challenge=challenge.pk) == [one.pk]
    assert pks(eligibility="ineligible") == [two.pk]
    assert pks(reviewed_by_me="yes") == [one.pk]
    assert pks(reviewed_by_me="no") == [two.pk]
    assert pks(q="compost") == [two.pk]
    assert pks(q=one.application.reference) == [one.pk]
    assert pks(decision="none") == sorted([one.pk, two.pk], key=[one.pk, two.pk].index)


def test_totals_and_progress(world):
    targets = [world.application(world.a) for _ in range(4)]
    targets[3].eligibility = ApplicationTarget.Eligibility.INELIGIBLE
    targets[3].save()
    world.submitted_review(targets[0], world.reviewer_a, [3, 3])
    world.submitted_review(targets[1], world.reviewer_a2, [3, 3])
    totals = dashboard_totals(world.reviewer_a, world.a)
    assert totals["total"] == 4
    assert totals["ineligible"] == 1
    assert totals["in_review"] == 3
    assert totals["reviewed"] == 2
    assert totals["reviewed_by_me"] == 1
    assert totals["reviewed_percent"] == 67
    assert totals["mine_percent"] == 33


def test_dashboard_page_filters_sort_and_pagination(client, world):
    for _ in range(30):
        world.application(world.a)
    client.force_login(world.reviewer_a)
    url = reverse("staff:dashboard", args=[world.a.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["page"].object_list) == 25
    second = client.get(url, {"page": 2, "sort": "reference"})
    assert len(second.context["page"].object_list) == 5
    # Bad filter values are ignored, never a 500.
    assert (
        client.get(url, {"sort": "drop table", "challenge": "abc", "page": "x"}).status_code == 200
    )


def _populate(world, count):
    for _ in range(count):
        target = world.application(world.a)
        target.application.challenges.add(ChallengeFactory(participation=world.a))
        world.submitted_review(target, world.reviewer_a2, [4, 3])


def _count_queries(client, world, django_assert_max_num_queries, count, bound):
    _populate(world, count)
    client.force_login(world.reviewer_a)
    url = reverse("staff:dashboard", args=[world.a.pk])
    with django_assert_max_num_queries(bound) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


QUERY_BOUND = 14


def test_query_count_with_one_application(client, django_assert_max_num_queries):
    world = World()
    _count_queries(client, world, django_assert_max_num_queries, 1, QUERY_BOUND)


def test_query_count_with_fifty_applications(client, django_assert_max_num_queries):
    world = World()
    _count_queries(client, world, django_assert_max_num_queries, 50, QUERY_BOUND)


def test_query_count_is_the_same_with_1_and_50(client, django_assert_max_num_queries):
    one = _count_queries(client, World(), django_assert_max_num_queries, 1, QUERY_BOUND)
    fifty = _count_queries(client, World(), django_assert_max_num_queries, 50, QUERY_BOUND)
    assert one == fifty


def test_ranks_on_a_later_page_continue_the_first_pages_and_the_counts_match(client, world):
    """The page's rows are read whole after their ids and ranks are found over every
    row of the commune: page 2 starts at rank 26, not 1."""
    targets = [world.application(world.a) for _ in range(27)]
    for score, target in enumerate(targets):
        world.submitted_review(target, world.reviewer_a, [score % 6, score % 5])
    client.force_login(world.manager_a)
    url = reverse("staff:dashboard", args=[world.a.pk])
    every = rank_rows(
        world.manager_a, world.a, list(dashboard_rows(world.manager_a, world.a, DashboardFilters()))
    )

    first, second = (client.get(url, {"page": n}).context["page"] for n in (1, 2))
    assert [r.pk for r in first] + [r.pk for r in second] == [r.pk for r in every]
    assert [r.rank for r in first] + [r.rank for r in second] == [r.rank for r in every]
    assert second[0].rank > 1
    assert first.paginator.count == 27 == dashboard_totals(world.manager_a, world.a)["total"]
    filtered = client.get(url, {"decision": "selected"}).context["page"]
    assert (
        filtered.paginator.count
        == ApplicationTarget.objects.filter(participation=world.a, decision="selected").count()
    )


@pytest.mark.parametrize("hide_reviews", [False, True])
def test_a_pages_ranks_are_the_ranks_over_every_row_of_the_commune(hide_reviews):
    """Ranks are counted for the page's rows only; they must equal a rank over every
    row by the score this viewer may see: ties share a rank, a conflict or an
    unreviewed row (when colleagues' scores are hidden) has none and ranks no one."""
    world = World(hide_reviews=hide_reviews)
    targets = [world.application(world.a) for _ in range(9)]
    for index, target in enumerate(targets[:8]):
        world.submitted_review(target, world.reviewer_a2, [index % 2, 3])
    for target in targets[1:5]:  # the reviewer's own reviews make their scores visible
        world.submitted_review(target, world.reviewer_a, [2, 2])
    MembershipFactory(organisation=targets[2].application.organisation, user=world.reviewer_a)
    for user in (world.manager_a, world.reviewer_a):
        every = {row.pk: row for row in ranked(scored_targets(user, world.a))}
        expected = {
            pk: row.rank if row.visible_score is not None else None for pk, row in every.items()
        }
        # the reviewer's own organisation: a conflict, for them only
        assert (every[targets[2].pk].visible_score is None) == (user == world.reviewer_a)
        for filters in (DashboardFilters(), DashboardFilters(sort="reference")):
            rows = rank_rows(user, world.a, list(dashboard_rows(user, world.a, filters))[3:7])
            assert {row.pk: row.rank for row in rows} == {row.pk: expected[row.pk] for row in rows}
        ranks = [r for r in expected.values() if r is not None]
        assert sorted(ranks)[0] == 1 and len(set(ranks)) < len(ranks)  # a tie, shared


def test_challenges_column_lists_this_communes_challenges_in_order(client, world):
    target, _ = world.application(world.a, world.b)
    second = ChallengeFactory(participation=world.a, title="Propreté", order=2)
    first = ChallengeFactory(participation=world.a, title="<b>Mobilité</b>", order=1)
    elsewhere = ChallengeFactory(participation=world.b, title="Défi d'une autre commune")
    target.application.challenges.add(second, first, elsewhere)
    world.application(world.a)  # takes up no challenge
    client.force_login(world.manager_a)
    page = client.get(reverse("staff:dashboard", args=[world.a.pk]), {"sort": "reference"})
    rows = page.context["page"].object_list
    assert rows[0].challenge_titles == ["<b>Mobilité</b>", "Propreté"]
    assert rows[1].challenge_titles == []
    body = page.content.decode()
    assert "&lt;b&gt;Mobilité&lt;/b&gt;, Propreté" in body
    assert "autre commune" not in body
