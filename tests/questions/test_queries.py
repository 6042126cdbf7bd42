"""The thread lists read the same number of queries for 1 or 12 questions (each with
answers and files)."""

import pytest
from django.urls import reverse

from questions import services
from tests.questions.conftest import answer_with_file

pytestmark = pytest.mark.django_db


def grow(qw, count):
    """``count`` questions from A (and one from B), each answered twice, one file each."""
    from questions.models import Question

    Question.objects.all().delete()
    services.ask(user=qw.world.reviewer_b, target=qw.tb, body="Question de B")
    for n in range(count):
        qw.question = services.ask(user=qw.world.reviewer_a, target=qw.ta, body=f"Question {n}")
        answer_with_file(qw, body=f"Réponse {n}")
        answer_with_file(qw, body=f"Complément {n}", files=[])


def count_queries(client, url, django_assert_max_num_queries, bound):
    with django_assert_max_num_queries(bound) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


@pytest.mark.parametrize(
    "who, url_name, arg, bound",
    [
        ("team", "questions:team_list", "ta", 25),
        ("team", "staff:application", "ta", 30),
        ("member", "questions:application_list", "application", 20),
        ("member", "applications:detail", "application", 25),
    ],
)
def test_query_count_does_not_grow_with_questions(
    client, qw, django_assert_max_num_queries, who, url_name, arg, bound
):
    user = qw.world.reviewer_a if who == "team" else qw.member
    target = qw.ta
    key = target.pk if arg == "ta" else target.application_id
    url = reverse(url_name, args=[key])
    client.force_login(user)
    grow(qw, 1)
    one, _ = count_queries(client, url, django_assert_max_num_queries, bound)
    grow(qw, 12)
    many, response = count_queries(client, url, django_assert_max_num_queries, bound)
    assert "Question 11" in response.content.decode()
    assert one == many, (url_name, one, many)


def test_the_question_page_reads_a_constant_number_of_queries(
    client, qw, django_assert_max_num_queries
):
    client.force_login(qw.member)
    url = reverse("questions:detail", args=[qw.question.pk])
    answer_with_file(qw)
    one, _ = count_queries(client, url, django_assert_max_num_queries, 20)
    for n in range(8):
        answer_with_file(qw, body=f"Réponse {n}")
    many, _ = count_queries(client, url, django_assert_max_num_queries, 20)
    assert one == many
