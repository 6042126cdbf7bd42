"""Asking: only the team of a targeted commune, not in a conflict of interest, until
that commune finalises its selection."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Review
from calls.models import Participation
from questions.models import Question
from tests.factories import AdminFactory, MembershipFactory, TeamMembershipFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db


def post_question(client, target, body="Quel calendrier ?"):
    return client.post(reverse("questions:ask", args=[target.pk]), {"question-body": body})


def test_a_team_member_of_the_targeted_commune_asks(client, qw):
    client.force_login(qw.world.reviewer_a2)
    response = post_question(client, qw.ta, "Quel calendrier ?\nEt quels partenaires ?")
    assert response.status_code == 302
    page = reverse("staff:application", args=[qw.ta.pk])
    assert response["Location"].endswith(page + "#questions")
    question = Question.objects.latest("pk")
    assert (question.target, question.author) == (qw.ta, qw.world.reviewer_a2)
    page = client.get(reverse("staff:application", args=[qw.ta.pk]))
    assert "Quel calendrier ?<br>Et quels partenaires ?" in plain(page.content)


def test_asking_while_the_call_is_still_open_is_allowed(client, qw):
    from calls.models import Call

    Call.objects.filter(pk=qw.world.call.pk).update(
        closes_at=timezone.now() + timezone.timedelta(days=3)
    )
    client.force_login(qw.world.manager_a)
    assert post_question(client, qw.ta).status_code == 302


def test_nobody_else_asks(client, qw):
    before = Question.objects.count()
    cases = [
        (qw.world.reviewer_b, 404),  # another commune, though the application targets it too
        (TeamMembershipFactory().user, 404),  # an unrelated commune
        (qw.member, 404),  # the candidate
        (MembershipFactory().user, 404),  # another candidate
        (AdminFactory(), 404),  # a metropolis admin outside the commune’s team: no thread
    ]
    for user, status in cases:
        client.force_login(user)
        assert post_question(client, qw.ta).status_code == status, user
    assert Question.objects.count() == before


def test_a_conflicted_team_member_does_not_ask(client, qw):
    Review.objects.create(target=qw.ta, reviewer=qw.world.reviewer_a2, conflict_of_interest=True)
    client.force_login(qw.world.reviewer_a2)
    assert post_question(client, qw.ta).status_code == 403
    page = client.get(reverse("staff:application", args=[qw.ta.pk]))
    assert reverse("questions:ask", args=[qw.ta.pk]) not in page.content.decode()


def test_a_member_of_the_applicant_organisation_in_the_team_does_not_ask(client, qw):
    MembershipFactory(organisation=qw.ta.application.organisation, user=qw.world.reviewer_a2)
    client.force_login(qw.world.reviewer_a2)
    assert post_question(client, qw.ta).status_code == 403


def test_asking_stops_when_the_commune_finalises(client, qw):
    client.force_login(qw.world.manager_a)
    Participation.objects.filter(pk=qw.world.a.pk).update(selection_finalised_at=timezone.now())
    response = post_question(client, qw.ta, "Trop tard ?")
    assert response.status_code == 400
    body = plain(response.content)
    assert "a finalisé sa sélection" in body
    assert not Question.objects.filter(body="Trop tard ?").exists()
    # Commune B, not finalised, still asks about the same application.
    client.force_login(qw.world.manager_b)
    assert post_question(client, qw.tb).status_code == 302


def test_empty_or_too_long_questions_are_refused_with_the_text_kept(client, qw):
    client.force_login(qw.world.reviewer_a)
    before = Question.objects.count()
    response = post_question(client, qw.ta, "   ")
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    long = "x" * 4001
    response = post_question(client, qw.ta, long)
    assert response.status_code == 400
    assert long in response.content.decode()
    assert Question.objects.count() == before


def test_the_question_text_is_escaped(client, qw):
    client.force_login(qw.world.reviewer_a)
    post_question(client, qw.ta, "<script>alert(1)</script>")
    page = client.get(reverse("staff:application", args=[qw.ta.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    client.force_login(qw.member)
    page = client.get(reverse("applications:detail", args=[qw.ta.application.pk])).content
    assert b"<script>alert(1)</script>" not in page


def test_get_on_the_ask_url_is_refused(client, qw):
    client.force_login(qw.world.reviewer_a)
    assert client.get(reverse("questions:ask", args=[qw.ta.pk])).status_code == 405
