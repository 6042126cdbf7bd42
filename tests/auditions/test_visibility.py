"""Other communes never see a commune's shortlist, schedule or jury (404 for forged
ids); the schedule page's query count does not grow with its rows."""

import pytest
from django.urls import reverse

from auditions.models import Booking, JuryOpinion, JurySession
from tests.auditions.helpers import invited, slot, world
from tests.factories import AdminFactory, MembershipFactory, TeamMembershipFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def test_another_communes_staff_get_404_everywhere(client, w):
    booked = slot(w.a)
    (entry,) = invited(w)
    Booking.objects.create(slot=booked, entry=entry)
    free = slot(w.a, hours=90)
    for user in (w.manager_b, w.reviewer_b):
        client.force_login(user)
        for name, args in (
            ("auditions:schedule", [w.a.pk]),
            ("auditions:jury", [w.a.pk]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 404
        for name, args in (
            ("auditions:add_slot", [w.a.pk]),
            ("auditions:invite", [w.a.pk]),
            ("auditions:jury", [w.a.pk]),
            ("auditions:delete_slot", [free.pk]),
            ("auditions:toggle_shortlist", [entry.target_id]),
        ):
            assert client.post(reverse(name, args=args), {"part": "session"}).status_code == 404
        # Nor through a candidate's page.
        assert client.get(reverse("auditions:respond", args=[entry.pk])).status_code == 404
    assert w.a.audition_slots.count() == 2
    # Their own pages show nothing of commune A.
    client.force_login(w.manager_b)
    page = plain(client.get(reverse("auditions:schedule", args=[w.b.pk])).content.decode())
    assert entry.target.application.reference not in page
    assert "Mairie, salle 2" not in page


def test_staff_of_both_communes_see_each_only_in_its_own_schedule(client, w):
    (entry_a,) = invited(w, w.a)
    (entry_b,) = invited(w, w.b)
    both = TeamMembershipFactory(commune=w.b.commune, user=w.reviewer_a).user
    client.force_login(both)
    page_a = client.get(reverse("auditions:schedule", args=[w.a.pk])).content.decode()
    page_b = client.get(reverse("auditions:schedule", args=[w.b.pk])).content.decode()
    assert entry_a.target.application.reference in page_a
    assert entry_b.target.application.reference not in page_a
    assert entry_b.target.application.reference in page_b


def test_candidates_see_only_their_invitations_after_the_invitation(client, w):
    (entry,) = invited(w)
    stranger = MembershipFactory().user
    client.force_login(stranger)
    assert client.get(reverse("auditions:respond", args=[entry.pk])).status_code == 404
    assert client.get(reverse("auditions:schedule", args=[w.a.pk])).status_code == 403


def _schedule_with(w, rows, client, django_assert_max_num_queries):
    entries = invited(w, count=rows)
    for index, entry in enumerate(entries):
        booked = slot(w.a, hours=48 + index)
        Booking.objects.create(slot=booked, entry=entry)
        slot(w.a, hours=200 + index)  # and a free one
    session = JurySession.objects.create(participation=w.a, held_on="2026-12-01")
    for index, entry in enumerate(entries, start=1):
        JuryOpinion.objects.create(
            session=session, target=entry.target, opinion="favourable", rank=index
        )
    client.force_login(w.manager_a)
    counts = []
    for name in ("auditions:schedule", "auditions:jury"):
        with django_assert_max_num_queries(30) as captured:
            response = client.get(reverse(name, args=[w.a.pk]))
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    return counts


def test_schedule_and_jury_query_counts_do_not_grow_with_rows(
    client, django_assert_max_num_queries
):
    one = _schedule_with(world(), 1, client, django_assert_max_num_queries)
    many = _schedule_with(world(), 12, client, django_assert_max_num_queries)
    assert one == many


def test_metropolis_admins_manage_any_communes_auditions(client, w):
    client.force_login(AdminFactory())
    assert client.get(reverse("auditions:schedule", args=[w.a.pk])).status_code == 200
    page = plain(client.get(reverse("auditions:jury", args=[w.a.pk])).content.decode())
    assert "Enregistrer le jury" in page
