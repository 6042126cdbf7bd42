"""The audit log records who asked and who answered, when, never the text; "Mes données"
holds a member's questions and answers (with files) and a team member's questions;
anonymising an application erases them."""

import os

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.selectors.audit import audit_entries
from privacy.services.export import collect
from privacy.services.retention import anonymise_application
from questions.models import Answer, AnswerAttachment, Question
from tests.factories import AdminFactory
from tests.questions.conftest import answer_with_file
from tests.typography import plain

pytestmark = pytest.mark.django_db


def test_the_audit_log_records_questions_and_answers_without_their_text(client, qw):
    answer_with_file(qw, body="Réponse secrète")
    entries = [e for e in audit_entries(qw.world.call) if "question" in str(e.action)]
    entries += [e for e in audit_entries(qw.world.call) if "réponse" in str(e.action)]
    actions = {(str(e.action), e.who) for e in entries}
    assert ("question posée", qw.world.reviewer_a) in actions
    assert ("réponse du candidat", qw.member) in actions
    reference = qw.ta.application.reference
    assert all(e.subject == f"{reference} → {qw.world.a.commune.name}" for e in entries)
    client.force_login(AdminFactory())
    page = plain(client.get(reverse("staff:audit_log", args=[qw.world.call.pk])).content)
    assert "question posée" in page and "réponse du candidat" in page
    assert "Quel budget" not in page and "Réponse secrète" not in page


def test_a_members_export_holds_the_questions_answers_and_files(qw):
    reply = answer_with_file(qw, body="Notre réponse")
    data, files = collect(qw.member)
    entry = next(a for a in data["applications"] if a["title"] == qw.ta.application.title)
    [question] = entry["questions"]
    assert question["commune"] == qw.world.a.commune.name
    assert question["question"] == "Quel budget pour l'hiver ?"
    [answer] = question["answers"]
    assert answer["text"] == "Notre réponse" and answer["by_me"] is True
    attachment = reply.attachments.get()
    paths = [path for path, _ in files]
    assert answer["attachments"][0]["file"] in paths
    assert any(stored.name == attachment.file.name for _, stored in files)
    # The other member's export reads the same thread, not as their own answer.
    data, _ = collect(qw.members[1])
    entry = next(a for a in data["applications"] if a["title"] == qw.ta.application.title)
    assert entry["questions"][0]["answers"][0]["by_me"] is False


def test_a_team_members_export_holds_the_questions_they_asked_only(qw):
    from questions.services import ask

    ask(user=qw.world.manager_a, target=qw.ta, body="La question du responsable")
    data, _ = collect(qw.world.reviewer_a)
    assert [q["question"] for q in data["questions_asked"]] == ["Quel budget pour l'hiver ?"]
    assert data["applications"] == []
    data, _ = collect(qw.world.reviewer_b)
    assert data["questions_asked"] == []


def test_anonymising_the_application_erases_questions_answers_and_files(
    qw, settings, django_capture_on_commit_callbacks
):
    answer_with_file(qw)
    stored = os.path.join(settings.MEDIA_ROOT, AnswerAttachment.objects.get().file.name)
    assert os.path.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_application(qw.ta.application, timezone.now())
    assert not Question.objects.exists() and not Answer.objects.exists()
    assert not os.path.exists(stored)
    # The history keeps who and when, never the text.
    assert Question.history.filter(history_type="-").count() == 1
    assert not hasattr(Question.history.model, "body")
