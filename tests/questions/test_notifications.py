"""Notices through the outbox: the organisation's members when a question arrives, the
asking team when an answer arrives; once each, in the recipient's language, with every
name escaped once in the HTML part and never in the text part."""

import pytest
from django.core import mail

from applications.models import Application, Organisation
from notifications.models import OutboxMessage
from questions import services
from questions.models import Question
from tests.factories import MembershipFactory, UserFactory
from tests.questions.conftest import answer_with_file
from tests.typography import plain

pytestmark = pytest.mark.django_db


def recipients(kind):
    return sorted(OutboxMessage.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_a_question_notifies_each_member_once_and_nobody_else(qw):
    assert recipients("question_asked") == sorted(u.pk for u in qw.members)
    # Queuing again (a retried task, a double click on the same question) adds nothing.
    assert services.queue_question_notices(qw.question) == 0
    assert OutboxMessage.objects.filter(kind="question_asked").count() == 2
    # A second question is a second notice for each member.
    services.ask(user=qw.world.manager_a, target=qw.ta, body="Autre question")
    assert OutboxMessage.objects.filter(kind="question_asked").count() == 4


def test_an_inactive_member_is_not_notified(qw):
    type(qw.members[1]).objects.filter(pk=qw.members[1].pk).update(is_active=False)
    services.ask(user=qw.world.manager_a, target=qw.ta, body="Autre question")
    latest = Question.objects.latest("pk")
    rows = OutboxMessage.objects.filter(kind="question_asked", object_id=latest.pk)
    assert list(rows.values_list("recipient_id", flat=True)) == [qw.members[0].pk]


def test_an_answer_notifies_the_asking_team_once_and_nobody_else(qw):
    # A member of A's team who belongs to the applicant organisation is told as a member,
    # not as a reader of the answer.
    conflicted = qw.world.reviewer_a2
    MembershipFactory(organisation=qw.ta.application.organisation, user=conflicted)
    reply = answer_with_file(qw)
    expected = sorted([qw.world.reviewer_a.pk, qw.world.manager_a.pk])
    assert recipients("question_answered") == expected
    assert services.queue_answer_notices(reply) == 0
    assert recipients("question_answered") == expected
    for row in OutboxMessage.objects.filter(kind="question_answered"):
        assert row.about == reply


def test_mails_are_sent_after_commit_and_never_carry_the_text(
    qw, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        question = services.ask(
            user=qw.world.manager_a, target=qw.ta, body="Texte confidentiel de la question"
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in qw.members)
    for email in mail.outbox:
        assert "Texte confidentiel" not in email.body
        assert f"/questions/{question.pk}/" in email.body
        assert qw.ta.application.reference in email.subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer_with_file(qw, body="Texte confidentiel de la réponse")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (qw.world.reviewer_a, qw.world.reviewer_a2, qw.world.manager_a)
    )
    for email in mail.outbox:
        assert "Texte confidentiel" not in email.body
        assert f"/equipe/candidature/{qw.ta.pk}/#questions" in email.body


HOSTILE = 'Vélo & <b>Cargo</b> l\'"Élan"'
ESCAPED_ONCE = "Vélo &amp; &lt;b&gt;Cargo&lt;/b&gt; l’&quot;Élan&quot;"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_mail_bodies_escape_user_text_exactly_once(
    qw, language, django_capture_on_commit_callbacks
):
    Application.objects.filter(pk=qw.ta.application_id).update(title=HOSTILE)
    Organisation.objects.filter(pk=qw.ta.application.organisation_id).update(name=HOSTILE)
    for user in (*qw.members, qw.world.reviewer_a, qw.world.reviewer_a2, qw.world.manager_a):
        type(user).objects.filter(pk=user.pk).update(full_name=HOSTILE, preferred_language=language)
    qw.ta.application.refresh_from_db()
    qw.ta.application.organisation.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ask(user=qw.world.manager_a, target=qw.ta, body="<script>x</script>")
        answer_with_file(qw, body="<script>y</script>")
    assert len(mail.outbox) == 2 + 3
    for email in mail.outbox:
        text = plain(email.subject + "\n" + email.body)
        html = email.alternatives[0][0]
        assert HOSTILE in text, email.subject
        for entity in ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;"):
            assert entity not in text
        assert "<b>Cargo</b>" not in html
        assert ESCAPED_ONCE.replace("’", "'") in plain(html).replace("&#x27;", "'")
        for twice in ("&amp;amp;", "&amp;lt;", "&amp;quot;"):
            assert twice not in html
        assert "<script>" not in html and "<script>" not in email.body


def test_mails_go_out_in_the_recipients_language(qw, django_capture_on_commit_callbacks):
    english = UserFactory(preferred_language="en")
    MembershipFactory(organisation=qw.ta.application.organisation, user=english)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.ask(user=qw.world.manager_a, target=qw.ta, body="Une question")
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[english.email].extra_headers["Content-Language"] == "en"
    assert "A question from" in by_address[english.email].subject
    assert "Une question de" in plain(by_address[qw.members[0].email].subject)
    assert by_address[qw.members[0].email].extra_headers["Content-Language"] == "fr"
