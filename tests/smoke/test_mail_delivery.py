"""Mail delivery end to end: a real Celery worker on Redis, a real SMTP server on loopback.

The outbox rows are written by Django processes (a "submission" in a
transaction, the reminders command, a sweep after a lost broker message);
the worker delivers them to an aiosmtpd server run by this test, which
counts what arrives: every expected mail, each exactly once.
"""

import email
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

SEED = r"""
import datetime, json
from django.db import transaction
from django.utils import timezone
from accounts.models import User
from applications.models import Application, Organisation, OrganisationMembership
from calls.models import Call, Edition
from notifications.services import queue_message

now = timezone.now()
edition = Edition.objects.create(number=90, code="QMI90", name="Smoke", slug="smoke",
                                 starts_on=now.date())
call = Call.objects.create(edition=edition, title="Appel smoke", slug="appel-smoke",
                           opens_at=now - datetime.timedelta(days=20),
                           closes_at=now + datetime.timedelta(hours=2),
                           published_at=now, reminder_offsets_hours=[168, 24, 3])
def organisation(name, *people, state="draft"):
    org = Organisation.objects.create(name=name, kind="startup")
    for address, language in people:
        user = User.objects.create_user(address, "x-Strong-passw0rd", preferred_language=language)
        OrganisationMembership.objects.create(organisation=org, user=user, role="owner")
    extra = {}
    if state != "draft":
        extra = {"reference": f"QMI90-{org.pk:04d}", "submitted_at": now}
    return Application.objects.create(call=call, organisation=org, title=name, state=state, **extra)

organisation("Draft Co", ("fr@draft.example", "fr"), ("en@draft.example", "en"))
organisation("Submitted Co", ("done@submitted.example", "fr"), state="submitted")
# A change and its message in one transaction: dispatched to the broker after COMMIT.
with transaction.atomic():
    queue_message(recipient=None, email="alert@visitor.example", kind="alert_confirmation",
                  about=call, occasion="confirm",
                  context={"topic": "Argenteuil", "url": "http://127.0.0.1:8000/x/"})
print(json.dumps({"call": call.pk}))
"""

LOST_BROKER_MESSAGE = r"""
import datetime
from unittest import mock
from django.db import transaction
from django.utils import timezone
from calls.models import Call
from notifications.models import OutboxMessage
from notifications.services import queue_message
from notifications.tasks import deliver_message

call = Call.objects.get(slug="appel-smoke")
with mock.patch.object(deliver_message, "delay", side_effect=OSError("broker down")):
    with transaction.atomic():
        message, _ = queue_message(recipient=None, email="lost@visitor.example",
                                   kind="alert_confirmation", about=call, occasion="lost",
                                   context={"topic": "Issy", "url": "http://127.0.0.1:8000/y/"})
# Older than the sweep's minimum age.
OutboxMessage.objects.filter(pk=message.pk).update(
    created_at=timezone.now() - datetime.timedelta(minutes=2))
print(OutboxMessage.objects.get(pk=message.pk).state)
"""

STATES = r"""
import json
from notifications.models import OutboxMessage
print(json.dumps(sorted(OutboxMessage.objects.values_list("recipient_email", "kind", "state",
                                                          "attempts", "language"))))
"""


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    """aiosmtpd handler: keeps every message that arrives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        parsed = email.message_from_bytes(envelope.original_content, policy=default_policy)
        self.messages.append((tuple(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def smtp():
    from aiosmtpd.controller import Controller

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield collector, controller.port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def stack(smtp, tmp_path_factory):
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url.startswith("redis"):
        pytest.fail("The smoke test needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis).")
    import psycopg
    import redis

    parsed = urlparse(database_url)
    database = f"{parsed.path.lstrip('/') or 'qmi'}_mail_smoke"
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {database}")
    # Nothing left in the queue by an earlier run may reach this worker.
    redis.Redis.from_url(redis_url).delete("celery")
    tmp = tmp_path_factory.mktemp("mail-smoke")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "qmi.settings",
        "SECRET_KEY": "smoke-test-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": parsed._replace(path=f"/{database}").geturl(),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(tmp / "media"),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp[1]}",
    }
    subprocess.run(
        [BIN / "python", "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    log = open(tmp / "worker.log", "w+")  # noqa: SIM115 - closed in finally
    worker = subprocess.Popen(
        [BIN / "celery", "-A", "qmi", "worker", "-l", "info", "-c", "2", "--without-gossip"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield {"env": env, "worker": worker, "log": log}
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        log.close()


def django(stack, script):
    """Run a script in a Django process of the stack; returns its stdout."""
    result = subprocess.run(
        [BIN / "python", "-c", "import django; django.setup()\n" + script],
        cwd=ROOT,
        env={**stack["env"], "DJANGO_SETTINGS_MODULE": "qmi.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def manage(stack, *args):
    result = subprocess.run(
        [BIN / "python", "manage.py", *args],
        cwd=ROOT,
        env=stack["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def worker_log(stack):
    stack["log"].flush()
    stack["log"].seek(0)
    return stack["log"].read()


def wait_for_mails(smtp, count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(smtp[0].messages) < count:
        time.sleep(0.2)
    return smtp[0].messages


def arrivals(smtp):
    return Counter(
        (rcpt, message["Subject"]) for rcpts, message in smtp[0].messages for rcpt in rcpts
    )


def test_mails_arrive_through_the_worker_each_exactly_once(stack, smtp):
    django(stack, SEED)
    # The confirmation was dispatched after COMMIT by the seeding process.
    wait_for_mails(smtp, 1)
    # The 3-hour reminder is due (the call closes in 2 hours): drafts only.
    out = manage(stack, "send_due_reminders")
    assert "deadline_reminder: 2" in out
    messages = wait_for_mails(smtp, 3)
    assert len(messages) == 3, worker_log(stack)
    recipients = sorted(rcpt for rcpts, _ in messages for rcpt in rcpts)
    assert recipients == ["alert@visitor.example", "en@draft.example", "fr@draft.example"]
    by_recipient = {rcpts[0]: message for rcpts, message in messages}
    reminder = by_recipient["fr@draft.example"]
    assert reminder["List-Unsubscribe"].strip().startswith("<http://")
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = reminder.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="fr">' in html
    english = by_recipient["en@draft.example"].get_body(preferencelist=("html",)).get_content()
    assert '<html lang="en">' in english
    assert by_recipient["alert@visitor.example"]["List-Unsubscribe"] is None  # transactional

    # Cron and beat both run: nothing new. The worker receives a duplicate task: skipped.
    assert "deadline_reminder: 0" in manage(stack, "send_due_reminders")
    script = (
        "from qmi.celery import app\nfrom notifications.models import OutboxMessage\n"
        "for pk in OutboxMessage.objects.values_list('pk', flat=True):\n"
        "    app.send_task('notifications.deliver_message', args=[pk])\n"
    )
    django(stack, script)

    # A broker message lost at commit time: the sweep sends it.
    assert django(stack, LOST_BROKER_MESSAGE) == "pending"
    assert "1 dispatched" in manage(stack, "sweep_outbox")
    wait_for_mails(smtp, 4)
    time.sleep(3)  # let any duplicate arrive before counting
    counts = arrivals(smtp)
    assert sorted(rcpt for rcpt, _subject in counts) == [
        "alert@visitor.example",
        "en@draft.example",
        "fr@draft.example",
        "lost@visitor.example",
    ], worker_log(stack)
    assert set(counts.values()) == {1}, counts
    states = json.loads(django(stack, STATES))
    assert {(email_, state, attempts) for email_, _k, state, attempts, _l in states} == {
        ("alert@visitor.example", "sent", 1),
        ("en@draft.example", "sent", 1),
        ("fr@draft.example", "sent", 1),
        ("lost@visitor.example", "sent", 1),
    }
    assert "skipped" in worker_log(stack)
    assert stack["worker"].poll() is None
