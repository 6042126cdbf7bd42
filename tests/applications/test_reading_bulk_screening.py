"""Bulk screening from the dashboard's selection, recorded as single screenings are;
and the finalisation guard for a manager in a conflict of interest (issue 12.5)."""

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from applications.models import ApplicationTarget, OrganisationMembership
from applications.permissions.staff import can_decide, can_finalise
from applications.services.review import declare_conflict
from applications.services.screening import screen
from applications.services.selection import decide, finalise_selection
from tests.applications.staff_helpers import World, refresh
from tests.factories import AdminFactory, TeamMembershipFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db

Eligibility = ApplicationTarget.Eligibility
Decision = ApplicationTarget.Decision


def _post(client, world, ids, **data):
    return client.post(reverse("staff:bulk_screen", args=[world.a.pk]), {"targets": ids, **data})


def test_a_manager_screens_the_ticked_rows_each_recorded(client):
    world = World()
    rows = [world.application(world.a) for _ in range(3)]
    untouched = world.application(world.a)
    client.force_login(world.manager_a)
    response = _post(
        client,
        world,
        [rows[0].pk, rows[1].pk, rows[2].pk],
        eligibility="ineligible",
        reason="Hors périmètre",
        nav="sort=title&eligibility=pending&page=4",
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("staff:dashboard", args=[world.a.pk]) + "?eligibility=pending&sort=title"
    )
    for row in rows:
        row = refresh(row)
        assert (row.eligibility, row.eligibility_reason, row.screened_by) == (
            Eligibility.INELIGIBLE,
            "Hors périmètre",
            world.manager_a,
        )
        assert row.screened_at is not None
        # One history record per row, by its author, as a single screening leaves.
        last = row.history.order_by("-history_date").first()
        assert last.history_user == world.manager_a
        assert last.eligibility == Eligibility.INELIGIBLE
    assert refresh(untouched).eligibility == Eligibility.PENDING


def test_the_audit_log_lists_each_bulk_screening(client):
    world = World()
    rows = [world.application(world.a) for _ in range(2)]
    client.force_login(world.manager_a)
    _post(client, world, [r.pk for r in rows], eligibility="eligible")
    admin = AdminFactory()
    client.force_login(admin)
    log = plain(client.get(reverse("staff:audit_log", args=[world.call.pk])).content.decode())
    for row in rows:
        assert row.application.reference in log


def test_ineligible_needs_a_reason_and_nothing_is_saved(client):
    world = World()
    rows = [world.application(world.a) for _ in range(2)]
    client.force_login(world.manager_a)
    response = _post(client, world, [r.pk for r in rows], eligibility="ineligible", reason=" ")
    assert response.status_code == 302
    page = plain(client.get(response["Location"]).content.decode())
    assert "Indiquez le motif de non-éligibilité" in page
    assert all(refresh(r).eligibility == Eligibility.PENDING for r in rows)
    response = _post(client, world, [rows[0].pk], eligibility="maybe")
    assert refresh(rows[0]).eligibility == Eligibility.PENDING


def test_no_selection_is_a_clear_message(client):
    world = World()
    client.force_login(world.manager_a)
    response = _post(client, world, [], eligibility="eligible")
    page = plain(client.get(response["Location"]).content.decode())
    assert "Cochez au moins une candidature du tableau." in page


def test_another_communes_ids_are_ignored(client):
    world = World()
    mine = world.application(world.a)
    theirs = world.application(world.b)
    client.force_login(world.manager_a)
    _post(client, world, [mine.pk, theirs.pk, "999999", "x1"], eligibility="eligible")
    assert refresh(mine).eligibility == Eligibility.ELIGIBLE
    assert refresh(theirs).eligibility == Eligibility.PENDING
    # Through commune B's dashboard URL: not A's manager's dashboard, 404.
    response = client.post(
        reverse("staff:bulk_screen", args=[world.b.pk]),
        {"targets": [theirs.pk], "eligibility": "eligible"},
    )
    assert response.status_code == 404


def test_reviewers_may_not_screen_in_bulk(client):
    world = World()
    row = world.application(world.a)
    client.force_login(world.reviewer_a)
    assert _post(client, world, [row.pk], eligibility="eligible").status_code == 403
    assert refresh(row).eligibility == Eligibility.PENDING
    # The dashboard offers it to managers only.
    page = client.get(reverse("staff:dashboard", args=[world.a.pk])).content.decode()
    assert reverse("staff:bulk_screen", args=[world.a.pk]) not in page
    client.force_login(world.manager_a)
    page = client.get(reverse("staff:dashboard", args=[world.a.pk])).content.decode()
    assert reverse("staff:bulk_screen", args=[world.a.pk]) in page


def test_a_conflicted_row_is_skipped_and_named(client):
    world = World()
    mine, own = world.application(world.a), world.application(world.a)
    OrganisationMembership.objects.create(
        organisation=own.application.organisation, user=world.manager_a
    )
    client.force_login(world.manager_a)
    response = _post(client, world, [mine.pk, own.pk], eligibility="eligible")
    page = plain(client.get(response["Location"]).content.decode())
    assert "1 éligibilité enregistrée." in page
    assert "1 candidature ignorée : conflit d'intérêts." in page
    assert own.application.reference in page
    assert refresh(mine).eligibility == Eligibility.ELIGIBLE
    assert refresh(own).eligibility == Eligibility.PENDING


def test_a_finalised_selection_refuses_bulk_screening(client):
    world = World(quota_min=1, quota_max=2, closed=True, screened=True)
    row = world.application(world.a)
    decide(user=world.manager_a, target=refresh(row), decision=Decision.SELECTED, motivation="Oui")
    finalise_selection(user=world.manager_a, participation=world.a)
    client.force_login(world.manager_a)
    assert _post(client, world, [row.pk], eligibility="eligible").status_code == 403


# Issue 12.5: a manager who belongs to an applicant organisation neither decides
# for it nor finalises the commune's selection while its application is in play.


@pytest.fixture
def conflicted():
    world = World(quota_min=1, quota_max=2, closed=True, screened=True)
    world.own = world.application(world.a)
    OrganisationMembership.objects.create(
        organisation=world.own.application.organisation, user=world.manager_a
    )
    world.own = refresh(world.own)
    world.other = world.application(world.a)
    decide(
        user=world.manager_a,
        target=refresh(world.other),
        decision=Decision.SELECTED,
        motivation="Très bon projet",
    )
    return world


def test_the_member_manager_neither_decides_nor_finalises(client, conflicted):
    world = conflicted
    assert not can_decide(world.manager_a, world.own)
    assert not can_finalise(world.manager_a, world.a)
    with pytest.raises(PermissionDenied):
        finalise_selection(user=world.manager_a, participation=world.a, leave_undecided=True)
    client.force_login(world.manager_a)
    url = reverse("staff:finalise_selection", args=[world.a.pk])
    assert client.post(url, {"leave_undecided": "on"}).status_code == 403
    page = html.unescape(client.get(reverse("staff:dashboard", args=[world.a.pk])).content.decode())
    assert url not in page
    assert world.own.application.reference in plain(page)
    assert "un autre responsable de la commune finalise" in plain(page)
    world.a.refresh_from_db()
    assert not world.a.is_finalised


def test_boundary_once_the_own_application_is_out_of_play_they_finalise(conflicted):
    world = conflicted
    admin = AdminFactory()
    screen(user=admin, target=world.own, eligibility=Eligibility.INELIGIBLE, reason="Hors appel")
    assert can_finalise(world.manager_a, world.a)
    finalise_selection(user=world.manager_a, participation=world.a)
    world.a.refresh_from_db()
    assert world.a.is_finalised


def test_a_declared_conflict_counts_too(conflicted):
    world = conflicted
    world.own = world.application(world.a)  # a second manager, conflicted by declaration
    other_manager = TeamMembershipFactory(commune=world.a.commune, role="manager").user
    assert can_finalise(other_manager, world.a)
    declare_conflict(user=other_manager, target=refresh(world.other), reason="Ancien associé")
    assert not can_finalise(other_manager, world.a)


def test_another_manager_finalises_and_an_admin_only_when_none_can(conflicted):
    world = conflicted
    admin = AdminFactory()
    # The only manager is conflicted: the commune is not stuck, an admin finalises.
    assert can_finalise(admin, world.a)
    # With a free manager, the manager finalises and the admin does not.
    free = TeamMembershipFactory(commune=world.a.commune, role="manager").user
    assert not can_finalise(admin, world.a)
    assert can_finalise(free, world.a)
    assert not can_finalise(world.reviewer_a, world.a)
    decide(user=free, target=refresh(world.own), decision=Decision.WAITING, motivation="En attente")
    finalise_selection(user=free, participation=world.a)
    world.a.refresh_from_db()
    assert world.a.is_finalised


def test_an_admin_member_of_the_applicant_does_not_finalise_either(conflicted):
    world = conflicted
    admin = AdminFactory()
    OrganisationMembership.objects.create(
        organisation=world.own.application.organisation, user=admin
    )
    assert not can_finalise(admin, world.a)
