"""Assignments: by hand, in bulk, spread evenly respecting conflicts; my assignments;
per-reviewer progress; reminders before the review deadline, once per offset."""

import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.models import ReviewAssignment
from applications.selectors.assignments import my_pending_assignments, reviewer_progress
from applications.services.assignments import (
    assign,
    queue_assignment_reminders,
    spread_evenly,
)
from applications.services.review import declare_conflict
from notifications.models import OutboxMessage
from tests.applications.staff_helpers import World
from tests.factories import AdminFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World()


def _team(world):
    return [world.reviewer_a, world.reviewer_a2, world.manager_a]


def test_spread_evenly_respects_conflicts_and_evens_counts(world):
    targets = [world.application(world.a) for _ in range(7)]
    declare_conflict(user=world.reviewer_a, target=targets[0], reason="Associé")
    # A reviewer who belongs to the applicant organisation is conflicted too.
    MembershipFactory(organisation=targets[1].application.organisation, user=world.reviewer_a2)
    world.application(world.b)  # another commune's row is never assigned
    created, short = spread_evenly(user=world.manager_a, participation=world.a, per_application=2)
    assert (created, short) == (14, 0)
    pairs = set(ReviewAssignment.objects.values_list("target_id", "reviewer_id"))
    assert (targets[0].pk, world.reviewer_a.pk) not in pairs
    assert (targets[1].pk, world.reviewer_a2.pk) not in pairs
    for target in targets:
        assert ReviewAssignment.objects.filter(target=target).count() == 2
    loads = sorted(ReviewAssignment.objects.filter(reviewer=u).count() for u in _team(world))
    assert loads[-1] - loads[0] <= 1 and sum(loads) == 14
    assert not ReviewAssignment.objects.filter(target__participation=world.b).exists()
    # A second run adds nothing; a larger target tops up.
    assert spread_evenly(user=world.manager_a, participation=world.a, per_application=2) == (0, 0)
    created, short = spread_evenly(user=world.manager_a, participation=world.a, per_application=3)
    assert (created, short) == (5, 2)  # two rows have only two members without conflict


def test_spread_refuses_bad_numbers_and_non_managers(world):
    world.application(world.a)
    for bad in (0, 4, "x", None):
        with pytest.raises(ValidationError):
            spread_evenly(user=world.manager_a, participation=world.a, per_application=bad)
    with pytest.raises(PermissionDenied):
        spread_evenly(user=world.reviewer_a, participation=world.a, per_application=1)
    with pytest.raises(PermissionDenied):
        spread_evenly(user=world.manager_b, participation=world.a, per_application=1)
    spread_evenly(user=AdminFactory(), participation=world.a, per_application=1)


def test_assign_by_hand_skips_a_conflict_and_refuses_outsiders(world):
    target = world.application(world.a)
    declare_conflict(user=world.reviewer_a, target=target)
    created, skipped = assign(
        user=world.manager_a,
        participation=world.a,
        targets=[target],
        reviewer_id=world.reviewer_a.pk,
    )
    assert (created, skipped) == (0, [target])
    with pytest.raises(ValidationError):
        assign(
            user=world.manager_a,
            participation=world.a,
            targets=[target],
            reviewer_id=world.reviewer_b.pk,
        )
    other = world.application(world.b)
    with pytest.raises(PermissionDenied):
        assign(
            user=world.manager_a,
            participation=world.a,
            targets=[other],
            reviewer_id=world.reviewer_a2.pk,
        )


def test_bulk_assign_from_the_dashboard_and_my_assignments_first(client, world):
    targets = [world.application(world.a) for _ in range(3)]
    client.force_login(world.manager_a)
    response = client.post(
        reverse("staff:bulk_assign", args=[world.a.pk]),
        {"targets": [targets[0].pk, targets[2].pk, "abc"], "reviewer": world.reviewer_a.pk},
    )
    assert response.status_code == 302
    assert set(
        ReviewAssignment.objects.filter(reviewer=world.reviewer_a).values_list("target", flat=True)
    ) == {targets[0].pk, targets[2].pk}
    page = html.unescape(client.get(reverse("staff:dashboard", args=[world.a.pk])).content.decode())
    assert "Affectations et avancement par évaluateur" in page
    # The reviewer sees their assignments at the top, and can filter on them.
    client.force_login(world.reviewer_a)
    page = html.unescape(client.get(reverse("staff:dashboard", args=[world.a.pk])).content.decode())
    page = page.replace("\u00a0", " ").replace("\u202f", " ")
    assert "Mes affectations : 2 candidatures à évaluer" in page
    assert page.index("Mes affectations") < page.index('id="dashboard-table"')
    assert "Affectations et avancement par évaluateur" not in page
    response = client.get(reverse("staff:dashboard", args=[world.a.pk]), {"assigned": "me"})
    body = response.content.decode()
    assert targets[0].application.reference in body
    assert targets[1].application.reference not in body
    # A reviewer cannot assign.
    response = client.post(
        reverse("staff:bulk_assign", args=[world.a.pk]),
        {"targets": [targets[1].pk], "reviewer": world.reviewer_a.pk},
    )
    assert response.status_code == 403


def test_progress_per_reviewer(world):
    targets = [world.application(world.a) for _ in range(2)]
    for target in targets:
        assign(
            user=world.manager_a,
            participation=world.a,
            targets=[target],
            reviewer_id=world.reviewer_a.pk,
        )
    world.submitted_review(targets[0], world.reviewer_a, [3, 3])
    lines = {line["reviewer"]: line for line in reviewer_progress(world.a)}
    assert (lines[world.reviewer_a]["assigned"], lines[world.reviewer_a]["done"]) == (2, 1)
    assert lines[world.reviewer_a]["percent"] == 50
    assert lines[world.reviewer_a2]["assigned"] == 0
    rows, total = my_pending_assignments(world.reviewer_a, world.a)
    assert total == 1 and rows[0].pk == targets[1].pk


def test_my_pending_assignments_shows_the_first_ten_and_counts_all(world):
    targets = [world.application(world.a) for _ in range(12)]
    assign(
        user=world.manager_a,
        participation=world.a,
        targets=targets,
        reviewer_id=world.reviewer_a.pk,
    )
    world.submitted_review(targets[0], world.reviewer_a, [3, 3])
    rows, total = my_pending_assignments(world.reviewer_a, world.a)
    expected = sorted(targets[1:], key=lambda target: target.application.reference)
    assert total == 11
    assert [row.pk for row in rows] == [target.pk for target in expected[:10]]
    assert my_pending_assignments(world.reviewer_a2, world.a) == ([], 0)


def test_dashboard_query_count_with_assignments(client, django_assert_max_num_queries):
    counts = []
    for size in (1, 20):
        world = World()
        for _ in range(size):
            world.application(world.a)
        spread_evenly(user=world.manager_a, participation=world.a, per_application=2)
        client.force_login(world.manager_a)
        with django_assert_max_num_queries(22) as captured:
            assert client.get(reverse("staff:dashboard", args=[world.a.pk])).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_reminders_before_the_review_deadline_once_per_offset(
    world, django_capture_on_commit_callbacks
):
    targets = [world.application(world.a) for _ in range(2)]
    assign(
        user=world.manager_a,
        participation=world.a,
        targets=targets,
        reviewer_id=world.reviewer_a.pk,
    )
    assign(
        user=world.manager_a,
        participation=world.a,
        targets=targets[:1],
        reviewer_id=world.reviewer_a2.pk,
    )
    world.submitted_review(targets[0], world.reviewer_a2, [3, 3])  # reviewer_a2 is done
    deadline = timezone.now() + datetime.timedelta(days=10)
    world.a.review_deadline = deadline
    world.a.save()

    def run(at):
        with django_capture_on_commit_callbacks(execute=False):
            return queue_assignment_reminders(at)

    assert run(deadline - datetime.timedelta(days=3, seconds=1)) == 0
    assert run(deadline - datetime.timedelta(days=3)) == 1
    assert run(deadline - datetime.timedelta(days=2)) == 0  # same offset: nothing twice
    assert run(deadline - datetime.timedelta(hours=23)) == 1
    assert run(deadline - datetime.timedelta(hours=1)) == 0
    assert run(deadline) == 0
    messages = OutboxMessage.objects.filter(kind="assignment_reminder")
    assert {m.recipient_id for m in messages} == {world.reviewer_a.pk}
    assert sorted(m.occasion[-2:] for m in messages) == ["1d", "3d"]
