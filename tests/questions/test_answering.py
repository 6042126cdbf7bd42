"""Answering: members of the organisation only, after the deadline too, until the
commune finalises; an answer never changes the submitted application."""

import datetime

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationTarget
from calls.models import Call, Participation
from questions.models import Answer
from questions.services import answer as answer_service
from tests.applications.candidate_factories import PDF_BYTES
from tests.factories import AdminFactory
from tests.questions.conftest import pdf
from tests.typography import plain

pytestmark = pytest.mark.django_db


def post_answer(client, question, body="Réponse.", files=()):
    prefix = f"q{question.pk}"
    data = {f"{prefix}-body": body}
    if files:
        data[f"{prefix}-files"] = list(files)
    return client.post(reverse("questions:answer", args=[question.pk]), data)


def test_a_member_answers_after_the_deadline(client, qw):
    assert qw.world.call.closes_at < timezone.now()  # the call has closed
    client.force_login(qw.members[1])
    response = post_answer(client, qw.question, "Le budget est de 45 000 €.")
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("applications:detail", args=[qw.ta.application.pk]) + f"#question-{qw.question.pk}"
    )
    reply = Answer.objects.get()
    assert (reply.question, reply.author) == (qw.question, qw.members[1])
    client.force_login(qw.world.reviewer_a2)
    page = plain(client.get(reverse("staff:application", args=[qw.ta.pk])).content)
    assert "Le budget est de 45 000 €." in page


def test_only_members_answer(client, qw):
    for user in (qw.world.reviewer_a, qw.world.manager_a):  # the asking team reads, not answers
        client.force_login(user)
        assert post_answer(client, qw.question).status_code == 403
    client.force_login(AdminFactory())
    assert post_answer(client, qw.question).status_code == 404
    assert not Answer.objects.exists()


def _question(qw):
    from questions.models import Question

    return Question.objects.select_related(
        "target__application", "target__participation__call", "target__participation__commune"
    ).get(pk=qw.question.pk)


def test_answering_stops_exactly_when_the_commune_finalises(client, qw):
    client.force_login(qw.member)
    # Up to the finalisation: accepted.
    assert post_answer(client, qw.question, "Avant.").status_code == 302
    Participation.objects.filter(pk=qw.world.a.pk).update(selection_finalised_at=timezone.now())
    # From the finalisation: refused, with a clear message and the text kept.
    response = post_answer(client, qw.question, "Après la finalisation.")
    assert response.status_code == 400
    body = plain(response.content)
    assert "a finalisé sa sélection" in body
    assert "Après la finalisation." in body
    assert list(Answer.objects.values_list("body", flat=True)) == ["Avant."]
    # The page no longer offers the form.
    page = client.get(reverse("applications:detail", args=[qw.ta.application.pk])).content
    assert reverse("questions:answer", args=[qw.question.pk]).encode() not in page
    # An admin reopening the selection reopens the thread.
    Participation.objects.filter(pk=qw.world.a.pk).update(selection_finalised_at=None)
    assert post_answer(client, qw.question, "Rouvert.").status_code == 302


def test_the_service_refuses_after_finalisation_too(qw):
    from django.core.exceptions import ValidationError

    Participation.objects.filter(pk=qw.world.a.pk).update(selection_finalised_at=timezone.now())
    with pytest.raises(ValidationError):
        answer_service(user=qw.member, question=_question(qw), body="x")


def test_another_communes_finalisation_does_not_close_this_thread(client, qw):
    Participation.objects.filter(pk=qw.world.b.pk).update(selection_finalised_at=timezone.now())
    client.force_login(qw.member)
    assert post_answer(client, qw.question).status_code == 302


def test_published_results_close_the_thread(client, qw):
    Call.objects.filter(pk=qw.world.call.pk).update(results_published_at=timezone.now())
    client.force_login(qw.member)
    assert post_answer(client, qw.question).status_code == 400
    assert not Answer.objects.exists()


def test_a_withdrawn_application_is_not_answered(client, qw):
    Application.objects.filter(pk=qw.ta.application_id).update(
        state=Application.State.WITHDRAWN, withdrawn_at=timezone.now()
    )
    client.force_login(qw.member)
    assert post_answer(client, qw.question).status_code == 400
    assert not Answer.objects.exists()


def test_an_empty_answer_is_refused(client, qw):
    client.force_login(qw.member)
    response = post_answer(client, qw.question, "  ")
    assert response.status_code == 400
    assert not Answer.objects.exists()


def _snapshot(application):
    application = Application.objects.get(pk=application.pk)
    targets = [
        model_to_dict(t)
        for t in ApplicationTarget.with_withdrawn.filter(application=application).order_by("pk")
    ]
    return {
        "fields": model_to_dict(application, exclude=["challenges"]),
        "updated_at": application.updated_at,
        "version": application.version,
        "challenges": list(application.challenges.values_list("pk", flat=True)),
        "attachments": list(application.attachments.values_list("pk", "sha256")),
        "revisions": list(application.revisions.values_list("pk", "number", "content")),
        "targets": targets,
        "history": ApplicationTarget.history.filter(application=application).count(),
    }


def test_an_answer_never_changes_the_submitted_application(client, qw):
    before = _snapshot(qw.ta.application)
    client.force_login(qw.member)
    response = post_answer(
        client, qw.question, "Voici notre nouveau budget.", files=[pdf("budget.pdf")]
    )
    assert response.status_code == 302
    assert Answer.objects.get().attachments.count() == 1
    assert _snapshot(qw.ta.application) == before


def test_a_question_with_several_answers_stays_one_thread(client, qw):
    client.force_login(qw.member)
    post_answer(client, qw.question, "Première partie.")
    post_answer(client, qw.question, "Seconde partie.", files=[pdf("annexe.pdf", PDF_BYTES)])
    page = plain(client.get(reverse("questions:detail", args=[qw.question.pk])).content)
    assert page.index("Première partie.") < page.index("Seconde partie.")
    assert "annexe.pdf" in page


def test_deadline_boundary_is_irrelevant_to_answering(client, qw):
    """Closed one second ago or one second ahead: answering is open either way."""
    client.force_login(qw.member)
    for delta in (-1, 1):
        Call.objects.filter(pk=qw.world.call.pk).update(
            closes_at=timezone.now() + datetime.timedelta(seconds=delta)
        )
        assert post_answer(client, qw.question, f"Réponse {delta}").status_code == 302
