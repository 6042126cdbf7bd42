"""A batch of outbox messages goes over one SMTP connection; a failure opens a fresh one."""

import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from notifications.models import OutboxMessage
from notifications.services import outbox
from notifications.tasks import deliver_messages
from tests.notifications.test_outbox import queue_for

pytestmark = pytest.mark.django_db


class ConnectionLog(LocmemBackend):
    """Locmem with SMTP's connection life: records each connection opened and the
    connection each mail went over; a mail to a ``drop`` address drops it."""

    opened = []
    sent_over = []
    drop = set()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.connection = None

    def open(self):
        if self.connection is not None:
            return False
        self.connection = object()
        self.opened.append(self.connection)
        return True

    def close(self):
        self.connection = None

    def send_messages(self, messages):
        created = self.open()
        try:
            for message in messages:
                if message.to[0] in self.drop:
                    raise smtplib.SMTPServerDisconnected("connection unexpectedly closed")
                self.sent_over.append((message.to[0], self.connection))
            return super().send_messages(messages)
        finally:
            if created:
                self.close()


@pytest.fixture
def connection_log(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_batch_delivery.ConnectionLog"
    ConnectionLog.opened, ConnectionLog.sent_over, ConnectionLog.drop = [], [], set()
    return ConnectionLog


def test_a_batch_is_sent_over_one_connection(member, call, connection_log):
    ids = [queue_for(member, call, occasion=str(n))[0].pk for n in range(5)]
    assert deliver_messages.apply(args=[ids]).get() == {"sent": 5}
    assert len(connection_log.opened) == 1
    assert {connection for _, connection in connection_log.sent_over} == set(connection_log.opened)
    assert len(mail.outbox) == 5
    assert set(OutboxMessage.objects.filter(pk__in=ids).values_list("state", "attempts")) == {
        (OutboxMessage.State.SENT, 1)
    }


def test_a_dropped_connection_delays_that_message_only_and_the_next_gets_a_fresh_one(
    member, call, connection_log
):
    from tests.factories import UserFactory

    unlucky = UserFactory(email="dropped@example.org")
    first = queue_for(member, call, occasion="1")[0].pk
    dropped = queue_for(unlucky, call)[0].pk
    last = queue_for(member, call, occasion="3")[0].pk
    connection_log.drop = {"dropped@example.org"}

    assert deliver_messages.apply(args=[[first, dropped, last]]).get() == {
        "sent": 2,
        "retry": 1,
    }
    assert len(connection_log.opened) == 2
    (_, before), (_, after) = connection_log.sent_over
    assert before is not after
    states = dict(OutboxMessage.objects.values_list("pk", "state"))
    assert states == {
        first: OutboxMessage.State.SENT,
        dropped: OutboxMessage.State.PENDING,  # the sweep retries it after its backoff
        last: OutboxMessage.State.SENT,
    }
    assert len(mail.outbox) == 2


def test_a_batch_run_twice_sends_nothing_more(member, call, connection_log):
    ids = [queue_for(member, call, occasion=str(n))[0].pk for n in range(3)]
    deliver_messages.apply(args=[ids]).get()
    assert deliver_messages.apply(args=[ids]).get() == {"skipped": 3}
    assert len(mail.outbox) == 3


@pytest.mark.django_db(transaction=True)
def test_four_workers_handed_the_same_batch_send_each_message_once(connection_log):
    """Real concurrency (PostgreSQL): each worker claims what no other holds."""
    import threading

    from django.db import connection

    from tests.factories import CallFactory, MembershipFactory

    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (CI runs it in its PostgreSQL leg)")
    member, call = MembershipFactory().user, CallFactory()
    with mock.patch("notifications.services.outbox.dispatch"):  # queued, not yet handed
        ids = [queue_for(member, call, occasion=str(n))[0].pk for n in range(40)]
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=20)
            results.append(outbox.deliver_batch(ids))  # what each worker's task runs
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(result.get("sent", 0) for result in results) == 40
    assert sorted(to for to, _ in connection_log.sent_over) == [member.email] * 40
    assert len(mail.outbox) == 40
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {
        (OutboxMessage.State.SENT, 1)
    }
