"""The outbox delivers each message exactly once: after commit, claimed first, retried, swept."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications import services
from notifications.models import OutboxMessage
from notifications.services import outbox
from notifications.tasks import deliver_message, sweep_outbox
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def queue_for(user, about, occasion="", kind="alert_confirmation"):
    return services.queue_message(
        recipient=user,
        kind=kind,
        about=about,
        occasion=occasion,
        context={"topic": "Argenteuil", "url": "https://qmi.example/confirm"},
    )


def test_message_is_written_in_the_transaction_and_sent_after_commit(
    member, call, deliver_on_commit
):
    with deliver_on_commit() as callbacks, transaction.atomic():
        message, created = queue_for(member, call)
        assert created
        assert mail.outbox == []  # nothing leaves before COMMIT
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "Argenteuil" in mail.outbox[0].subject


def test_a_rolled_back_change_sends_nothing(member, call, deliver_on_commit):
    with deliver_on_commit() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        queue_for(member, call)
        raise RuntimeError("the change that caused it failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_queueing_twice_keeps_one_row_and_sends_once(member, call, deliver_on_commit):
    with deliver_on_commit():
        first, created_first = queue_for(member, call, occasion="x")
        second, created_second = queue_for(member, call, occasion="x")
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert len(mail.outbox) == 1


def test_a_task_retried_after_success_sends_nothing_more(member, call):
    message, _ = OutboxMessage.objects.get_or_create(
        recipient=member,
        recipient_email=member.email,
        kind="alert_confirmation",
        content_type_id=outbox.ContentType.objects.get_for_model(call).pk,
        object_id=call.pk,
        context={"topic": "Issy", "url": "https://qmi.example/c"},
    )
    assert deliver_message.delay(message.pk).get() == "sent"
    assert deliver_message.delay(message.pk).get() == "skipped"  # redelivered by the broker
    assert deliver_message.apply(args=[message.pk]).get() == "skipped"
    assert len(mail.outbox) == 1


def test_two_claims_on_the_same_row_only_one_wins(member, call):
    message, _ = queue_for(member, call)
    assert outbox.claim(message.pk) is True
    assert outbox.claim(message.pk) is False
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENDING
    assert message.attempts == 1


def test_a_second_worker_during_the_first_ones_smtp_exchange_sends_nothing(member, call):
    """Worker B picks the row while worker A is talking to SMTP: B skips, one mail."""
    message, _ = queue_for(member, call)
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages
    second_worker = []

    def send_while_another_worker_runs(self, messages):
        second_worker.append(deliver_message.apply(args=[message.pk]).get())
        return original(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", send_while_another_worker_runs):
        assert deliver_message.apply(args=[message.pk]).get() == "sent"
    assert second_worker == ["skipped"]
    assert len(mail.outbox) == 1


def test_smtp_down_retries_with_backoff_then_fails_visibly_and_nothing_is_lost(
    member, call, smtp_down, admin_user, client, deliver_on_commit
):
    start = timezone.now()
    message, _ = queue_for(member, call)
    with time_machine.travel(start, tick=False) as clock:
        assert deliver_message.apply(args=[message.pk]).get() == "retry"
        message.refresh_from_db()
        assert message.state == OutboxMessage.State.PENDING
        assert message.attempts == 1
        assert "Service not available" in message.last_error
        assert message.next_attempt_at == start + datetime.timedelta(minutes=1)

        # The sweep respects the backoff: 1, 2, 4, 8 minutes.
        for attempt, delay in enumerate([1, 2, 4, 8], start=2):
            clock.shift(datetime.timedelta(minutes=delay) - datetime.timedelta(seconds=1))
            assert outbox.sweep() == (0, 0)
            clock.shift(datetime.timedelta(seconds=1))
            assert outbox.sweep() == (0, 1)
            message.refresh_from_db()
            assert message.attempts == attempt
        assert message.state == OutboxMessage.State.FAILED
        assert message.attempts == services.MAX_ATTEMPTS
        clock.shift(datetime.timedelta(hours=2))
        assert outbox.sweep() == (0, 0)  # failed rows wait for a person
    assert mail.outbox == []

    # Visible to admins, with a retry action that sends it once SMTP is back.
    client.force_login(admin_user)
    page = client.get("/notifications/boite-d-envoi/?state=failed")
    assert message.recipient_email in page.content.decode()
    assert "Service not available" in page.content.decode()
    smtp_down()  # SMTP is back
    with deliver_on_commit():
        response = client.post(
            "/notifications/boite-d-envoi/renvoyer/", {"message": [message.pk]}, follow=True
        )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert len(mail.outbox) == 1


def test_the_worker_retries_through_celery_with_exponential_countdown(member, call, smtp_down):
    message, _ = queue_for(member, call)
    task_request = mock.Mock(is_eager=False)
    with (
        mock.patch.object(deliver_message, "retry", side_effect=RuntimeError("retry")) as retry,
        mock.patch.object(type(deliver_message), "request", task_request, create=True),
        pytest.raises(RuntimeError, match="retry"),
    ):
        deliver_message.run(message.pk)
    retry.assert_called_once_with(countdown=60.0)
    assert outbox.retry_delay(4) == datetime.timedelta(minutes=8)
    assert outbox.retry_delay(20) == datetime.timedelta(hours=1)


def test_broker_down_at_submission_the_submission_succeeds_and_the_sweep_sends_the_receipt(
    deliver_on_commit,
):
    from applications.models import Application
    from applications.services.submission import submit_application
    from tests.applications.candidate_factories import complete_draft, owner_of

    application = complete_draft()
    owner = owner_of(application)
    with (
        mock.patch.object(
            deliver_message, "delay", side_effect=OperationalError("Connection refused")
        ),
        deliver_on_commit(),
    ):
        submit_application(application=application, user=owner)
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    receipt = OutboxMessage.objects.get(kind="submission_receipt", recipient=owner)
    assert receipt.state == OutboxMessage.State.PENDING
    assert mail.outbox == []

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=30)):
        assert sweep_outbox.delay().get() == {"requeued": 0, "dispatched": 0}  # too young
        receipt.refresh_from_db()
        assert receipt.state == OutboxMessage.State.PENDING
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        sweep_outbox.delay()  # broker back
    receipt.refresh_from_db()
    assert receipt.state == OutboxMessage.State.SENT
    assert [m.to for m in mail.outbox] == [[owner.email]]
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        sweep_outbox.delay()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("error", [OperationalError("down"), OSError("refused"), KeyError("?")])
def test_dispatch_with_an_unreachable_broker_never_raises_and_leaves_the_row_to_the_sweep(
    member, call, error
):
    message, _ = queue_for(member, call)
    with mock.patch.object(deliver_message, "delay", side_effect=error) as delay:
        assert outbox.dispatch(message.pk) is False
    delay.assert_called_once_with(message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING
    assert mail.outbox == []
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        assert outbox.sweep() == (0, 1)  # the broker is back: sent once
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert [m.to for m in mail.outbox] == [[member.email]]


def claimed_minutes_ago(message, minutes):
    """Age a claim on the database's clock, the one the sweep reads."""
    ago = Now() - datetime.timedelta(minutes=minutes)
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_at=ago, created_at=ago)


def test_a_row_left_sending_by_a_dead_worker_is_handed_back_and_sent_once(member, call):
    message, _ = queue_for(member, call)
    assert outbox.claim(message.pk)  # the worker dies here
    claimed_minutes_ago(message, 9)
    assert outbox.sweep() == (0, 0)
    claimed_minutes_ago(message, 11)
    assert outbox.sweep() == (1, 1)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1


def test_a_sweep_on_a_host_whose_clock_runs_ahead_hands_back_nothing_being_sent(member, call):
    """Stuck is judged on the database's clock: a host an hour ahead sees the same age."""
    message, _ = queue_for(member, call)
    assert outbox.claim(message.pk)  # a worker is talking to SMTP
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        outbox.sweep()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENDING
    assert mail.outbox == []


def test_the_sweep_command_sends_what_was_left_pending(member, call):
    from django.core.management import call_command

    with mock.patch.object(deliver_message, "delay", side_effect=OperationalError("down")):
        message, _ = queue_for(member, call)
        outbox.dispatch(message.pk)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        call_command("sweep_outbox", stdout=mock.Mock())
        call_command("sweep_outbox", stdout=mock.Mock())
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("language", "month"), [("fr", "mars"), ("en", "March")])
def test_mail_is_rendered_in_the_recipients_language(language, month, call):
    from applications.models import Application  # noqa: F401 - deadline reminder is about one
    from tests.factories import ApplicationFactory

    person = UserFactory(preferred_language=language)
    application = ApplicationFactory(call=call)
    message, _ = services.queue_message(
        recipient=person,
        kind="deadline_reminder",
        about=application,
        occasion="reminder-24h",
        context={
            "call_id": call.pk,
            "call_title": "Appel test",
            "organisation": "Org",
            "closes_at": "2025-03-17T22:59:00+00:00",
            "url": "https://qmi.example/",
        },
    )
    assert message.language == language
    subject, body, html = services.render_message(message)
    assert f"17 {month} 2025" in body
    assert f'<html lang="{language}">' in html
    # An address with no account is written to in the site's default language.
    unknown, _ = services.queue_message(
        recipient=None,
        email="nobody@example.org",
        kind="alert_confirmation",
        about=call,
        context={"topic": "x", "url": "https://qmi.example/"},
    )
    assert unknown.language == "fr"
    known, _ = services.queue_message(
        recipient=None,
        email=person.email.upper(),
        kind="alert_confirmation",
        about=call,
        occasion="by-email",
        context={"topic": "x", "url": "https://qmi.example/"},
    )
    assert known.language == language


def test_after_one_broker_failure_the_process_stops_waiting_for_it_for_a_while(member, call):
    """With the broker down a request pays the connection timeout once, not per message."""
    from qmi.celery import app

    ids = [queue_for(member, call, occasion=str(n))[0].pk for n in range(3)]
    app.conf.task_always_eager = False
    try:
        with (
            time_machine.travel(timezone.now(), tick=False) as clock,
            mock.patch.object(
                deliver_message, "delay", side_effect=OperationalError("refused")
            ) as delay,
        ):
            assert [outbox.dispatch(pk) for pk in ids] == [False, False, False]
            assert delay.call_count == 1
            clock.shift(datetime.timedelta(seconds=31))
            delay.side_effect = None
            assert outbox.dispatch(ids[0]) is True
            assert delay.call_count == 2
    finally:
        app.conf.task_always_eager = True


def test_a_message_that_cannot_be_rendered_fails_at_once_and_is_shown(
    member, call, deliver_on_commit
):
    with deliver_on_commit():
        message, _ = services.queue_message(
            recipient=member, kind="no_such_kind", about=call, context={}
        )
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.FAILED
    assert "TemplateDoesNotExist" in message.last_error
    assert mail.outbox == []
