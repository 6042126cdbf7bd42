"""Redis stops while people log in, sign up and submit; nothing is lost, nothing sent twice.

A private redis-server (never the shared one) is started on a free port,
with gunicorn and a Celery worker using it as broker and cache, an aiosmtpd
sink as SMTP server and a PostgreSQL database of its own. Redis is stopped;
a candidate logs in and submits, a visitor signs up, every page answers and
/healthz says "degraded". Redis is started again, the sweep runs (twice,
as cron and beat would) and the sink counts the mails: each exactly once.
"""

import email
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.typography import plain

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

SEED = r"""
import datetime, json
from django.utils import timezone
from tests.applications.candidate_factories import complete_draft, owner_of
from tests.factories import PASSWORD
application = complete_draft()
call = application.call
call.opens_at = timezone.now() - datetime.timedelta(days=1)
call.closes_at = timezone.now() + datetime.timedelta(days=10)
call.save()
owner = owner_of(application)
print(json.dumps({"email": owner.email, "password": PASSWORD, "pk": application.pk,
                  "version": application.version}))
"""

AGE_PENDING = r"""
import datetime
from django.utils import timezone
from notifications.models import OutboxMessage
rows = OutboxMessage.objects.filter(state="pending")
print(rows.update(created_at=timezone.now() - datetime.timedelta(minutes=2)))
"""

ROWS = r"""
import json
from notifications.models import OutboxMessage
print(json.dumps(sorted(OutboxMessage.objects.values_list("recipient_email", "kind", "state"))))
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        parsed = email.message_from_bytes(envelope.original_content, policy=default_policy)
        self.messages.append((tuple(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


class PrivateRedis:
    """A redis-server of this test only, on its own port: the shared one is never touched."""

    def __init__(self, port, folder):
        self.port, self.folder, self.process = port, folder, None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert wait_for(self.answers, timeout=20), "redis-server did not start"

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        assert not self.answers()


def wait_for(predicate, timeout=60, interval=0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


@pytest.fixture(scope="module")
def outage_stack(tmp_path_factory):
    from aiosmtpd.controller import Controller

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") or not shutil.which("redis-server"):
        pytest.fail("The outage test needs DATABASE_URL (PostgreSQL) and redis-server.")
    import psycopg

    tmp = tmp_path_factory.mktemp("redis-outage")
    parsed = urlparse(database_url)
    database = f"{parsed.path.lstrip('/') or 'qmi'}_redis_outage"
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {database}")
    redis = PrivateRedis(free_port(), tmp)
    redis.start()
    collector = Collector()
    smtp = Controller(collector, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "qmi.settings",
        "SECRET_KEY": "smoke-test-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": parsed._replace(path=f"/{database}").geturl(),
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
    }
    run = {"cwd": ROOT, "env": env, "check": True, "timeout": 300}
    subprocess.run([BIN / "python", "manage.py", "migrate", "--noinput", "-v0"], **run)
    subprocess.run([BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"], **run)
    logs = {name: open(tmp / f"{name}.log", "w+") for name in ("web", "worker")}  # noqa: SIM115 - closed in finally
    commands = {
        "web": [BIN / "gunicorn", "qmi.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        "worker": [
            BIN / "celery",
            "-A",
            "qmi",
            "worker",
            "-l",
            "info",
            "-c",
            "1",
            "--without-gossip",
            "--without-mingle",
        ],
    }
    processes = {
        name: subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=logs[name],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for name, command in commands.items()
    }
    stack = {
        "url": f"http://127.0.0.1:{port}",
        "env": env,
        "redis": redis,
        "mails": collector.messages,
        "logs": logs,
    }
    try:
        assert wait_for(lambda: get(stack, "/healthz")[0] == 200, timeout=60), log(stack, "web")
        yield stack
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for handle in logs.values():
            handle.close()
        smtp.stop()
        redis.stop()


def log(stack, name):
    handle = stack["logs"][name]
    handle.flush()
    handle.seek(0)
    return handle.read()[-5000:]


def django(stack, script):
    result = subprocess.run(
        [BIN / "python", "-c", "import django; django.setup()\n" + script],
        cwd=ROOT,
        env=stack["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


class PlainHTTPCookies(http.cookiejar.DefaultCookiePolicy):
    """The production cookies are Secure; this test speaks HTTP to loopback."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self, stack):
        self.stack = stack
        self.jar = http.cookiejar.CookieJar(policy=PlainHTTPCookies())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def csrf(self):
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, path, data=None):
        body = None
        if data is not None:
            body = urllib.parse.urlencode(
                {**data, "csrfmiddlewaretoken": self.csrf()}, doseq=True
            ).encode()
        started = time.monotonic()
        try:
            response = self.opener.open(self.stack["url"] + path, body, timeout=30)
            status, content = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, content = error.code, error.read().decode()
        return status, content, time.monotonic() - started


def get(stack, path):
    try:
        with urllib.request.urlopen(stack["url"] + path, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return None, ""


def test_with_redis_down_people_log_in_sign_up_and_submit_and_every_mail_arrives_once(
    outage_stack,
):
    stack = outage_stack
    seed = json.loads(django(stack, SEED))
    stack["redis"].stop()

    # Pages and /healthz.
    for path in ("/", "/appels/", "/comptes/login/", "/comptes/signup/"):
        assert get(stack, path)[0] == 200, (path, log(stack, "web"))
    status, body = get(stack, "/healthz")
    health = json.loads(body)
    assert status == 200 and health["status"] == "degraded"
    assert health["down"] == ["broker", "cache"]

    # A candidate logs in and submits.
    candidate = Browser(stack)
    assert candidate.request("/comptes/login/")[0] == 200
    status, _content, seconds = candidate.request(
        "/comptes/login/", {"login": seed["email"], "password": seed["password"]}
    )
    assert status == 302 and seconds < 10, log(stack, "web")
    step = f"/candidatures/{seed['pk']}/etapes/validation/"
    assert candidate.request(step)[0] == 200
    status, _content, seconds = candidate.request(
        step,
        {"accept_rules": "on", "accept_privacy": "on", "version": seed["version"], "go": "submit"},
    )
    assert status == 302 and seconds < 10, log(stack, "web")
    status, content, _seconds = candidate.request(f"/candidatures/{seed['pk']}/recepisse/")
    assert status == 200 and re.search(r"QMI\w*-\d+", content)

    # A visitor signs up.
    visitor = Browser(stack)
    assert visitor.request("/comptes/signup/")[0] == 200
    password = "un-Mot-de-passe-solide-42"
    status, _content, seconds = visitor.request(
        "/comptes/signup/",
        {
            "full_name": "Léa O'Neil",
            "email": "lea@visitor.example",
            "password1": password,
            "password2": password,
        },
    )
    assert status == 302 and seconds < 10, log(stack, "web")

    rows = json.loads(django(stack, ROWS))
    kinds = {kind for _email, kind, _state in rows}
    assert {"account_email_confirmation", "submission_receipt"} <= kinds, rows
    assert {state for _email, _kind, state in rows} == {"pending"}
    assert stack["mails"] == []

    # Redis is back: the sweep (cron or beat) hands the rows to the worker.
    stack["redis"].start()
    assert wait_for(lambda: json.loads(get(stack, "/healthz")[1])["status"] == "ok", timeout=30)
    django(stack, AGE_PENDING)
    for _ in range(2):
        subprocess.run(
            [BIN / "python", "manage.py", "sweep_outbox"],
            cwd=ROOT,
            env=stack["env"],
            check=True,
            timeout=120,
            capture_output=True,
        )
    assert wait_for(lambda: len(stack["mails"]) >= len(rows), timeout=90), log(stack, "worker")
    time.sleep(3)  # let any duplicate arrive before counting
    arrived = Counter(rcpt for rcpts, _message in stack["mails"] for rcpt in rcpts)
    assert arrived == Counter(address for address, _kind, _state in rows), log(stack, "worker")
    assert set(arrived.values()) == {1}
    assert {state for _e, _k, state in json.loads(django(stack, ROWS))} == {"sent"}
    verification = next(m for r, m in stack["mails"] if r == ("lea@visitor.example",))
    text = verification.get_body(preferencelist=("plain",)).get_content()
    assert stack["url"] + "/comptes/" in text and "O'Neil" in plain(text)
