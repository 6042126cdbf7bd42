"""A question is read by the commune that asked it and by the applicant organisation only:
never another commune (even one the same application targets), never a metropolis
admin outside that team, never another candidate; forged ids give 404."""

import pytest
from django.urls import reverse

from tests.factories import AdminFactory, MembershipFactory, TeamMembershipFactory
from tests.questions.conftest import answer_with_file
from tests.typography import plain

pytestmark = pytest.mark.django_db

SECRET = "Quel budget pour l'hiver ?"


def urls(qw, attachment):
    return {
        "thread": reverse("questions:detail", args=[qw.question.pk]),
        "list": reverse("questions:team_list", args=[qw.ta.pk]),
        "candidate list": reverse("questions:application_list", args=[qw.ta.application.pk]),
        "attachment": reverse("questions:attachment_download", args=[attachment.pk]),
    }


@pytest.fixture
def attachment(qw):
    return answer_with_file(qw).attachments.get()


def outsiders(qw):
    other_candidate = MembershipFactory().user
    return {
        "staff of commune B (targeted too)": qw.world.reviewer_b,
        "manager of commune B": qw.world.manager_b,
        "staff of an unrelated commune": TeamMembershipFactory().user,
        "metropolis admin outside the team": AdminFactory(),
        "a candidate of another organisation": other_candidate,
    }


def test_outsiders_get_404_on_the_thread_the_lists_and_the_attachment(client, qw, attachment):
    for who, user in outsiders(qw).items():
        client.force_login(user)
        for what, url in urls(qw, attachment).items():
            response = client.get(url)
            assert response.status_code == 404, (who, what, response.status_code)
            assert SECRET not in plain(response.content)


def test_outsiders_cannot_answer_nor_ask(client, qw):
    for who, user in outsiders(qw).items():
        client.force_login(user)
        response = client.post(
            reverse("questions:answer", args=[qw.question.pk]), {f"q{qw.question.pk}-body": "x"}
        )
        assert response.status_code == 404, who
    assert not qw.question.answers.exists()


def test_the_asking_team_and_the_members_read_the_thread(client, qw, attachment):
    readers = [qw.world.reviewer_a, qw.world.reviewer_a2, qw.world.manager_a, *qw.members]
    for user in readers:
        client.force_login(user)
        response = client.get(reverse("questions:detail", args=[qw.question.pk]))
        assert response.status_code == 200
        assert SECRET in plain(response.content)
        download = client.get(reverse("questions:attachment_download", args=[attachment.pk]))
        assert download.status_code == 200


def test_staff_page_of_another_commune_does_not_show_the_question(client, qw):
    # The same application, as commune B's team sees it.
    client.force_login(qw.world.reviewer_b)
    response = client.get(reverse("staff:application", args=[qw.tb.pk]))
    assert response.status_code == 200
    body = plain(response.content)
    assert SECRET not in body
    assert "Votre équipe n'a posé aucune question" in body
    # Commune A's team sees its thread on its page.
    client.force_login(qw.world.manager_a)
    body = plain(client.get(reverse("staff:application", args=[qw.ta.pk])).content)
    assert SECRET in body


def test_an_admin_sees_the_staff_page_without_any_thread(client, qw):
    client.force_login(AdminFactory())
    response = client.get(reverse("staff:application", args=[qw.ta.pk]))
    assert response.status_code == 200
    assert SECRET not in plain(response.content)
    assert 'id="questions"' not in response.content.decode()


def test_members_see_every_communes_questions_on_their_application_page(client, qw):
    from questions.services import ask

    ask(user=qw.world.manager_b, target=qw.tb, body="Et à B, quel lieu ?")
    client.force_login(qw.member)
    body = plain(client.get(reverse("applications:detail", args=[qw.ta.application.pk])).content)
    assert SECRET in body and "Et à B, quel lieu ?" in body
    # The candidate reads which commune asked, never the agent's name.
    assert qw.world.reviewer_a.full_name not in body
    # Commune B still never sees A's question, nor A B's.
    client.force_login(qw.world.reviewer_a)
    body = plain(client.get(reverse("staff:application", args=[qw.ta.pk])).content)
    assert "Et à B, quel lieu ?" not in body


def test_forged_ids_give_404(client, qw, attachment):
    client.force_login(qw.member)
    for url in (
        reverse("questions:detail", args=[qw.question.pk + 1000]),
        reverse("questions:team_list", args=[qw.ta.pk + 1000]),
        reverse("questions:application_list", args=[qw.ta.application.pk + 1000]),
        reverse("questions:attachment_download", args=[attachment.pk + 1000]),
        "/questions/99999999999999999999/",
    ):
        assert client.get(url).status_code == 404, url
    # A member is not staff: the team's list of their own application is not theirs.
    assert client.get(reverse("questions:team_list", args=[qw.ta.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, qw, attachment):
    for url in urls(qw, attachment).values():
        response = client.get(url)
        assert response.status_code == 302 and "/comptes/" in response["Location"]


def test_a_withdrawn_application_leaves_the_teams_view(client, qw):
    from applications.models import Application

    Application.objects.filter(pk=qw.ta.application_id).update(state="withdrawn")
    client.force_login(qw.world.reviewer_a)
    assert client.get(reverse("questions:detail", args=[qw.question.pk])).status_code == 404
    # The organisation still reads it.
    client.force_login(qw.member)
    assert client.get(reverse("questions:detail", args=[qw.question.pk])).status_code == 200
