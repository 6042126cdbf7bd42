"""Two web instances behind a reverse proxy serve the same user (issue 16, item 8).

Two gunicorn instances on two ports share the PostgreSQL database, the Redis
cache and the media directory named by DATABASE_URL, REDIS_URL and a temporary
MEDIA_ROOT (``make test-smoke``). A few lines of Python in front of them play
the load balancer: each request goes to the next instance in turn, with
``X-Forwarded-Proto: https`` as a TLS-terminating proxy sends it, and the
answer says which instance served it (``X-Upstream``). The same person logs in
through one instance and goes on through the other: session, upload and
autosave hold across both.
"""

import http.client
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EMAIL = "deux@instances.example"
PASSWORD = "Deux-instances-2025!"  # noqa: S105 - test account
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

SEED = r"""
import datetime, json
from allauth.account.models import EmailAddress
from django.utils import timezone
from accounts.models import User
from applications.models import Application, Organisation, OrganisationMembership
from calls.models import Call, Edition

now = timezone.now()
edition = Edition.objects.create(number=91, code="QMI91", name="Deux instances",
                                 slug="deux-instances", starts_on=now.date())
call = Call.objects.create(edition=edition, title="Appel deux instances", slug="appel-deux",
                           opens_at=now - datetime.timedelta(days=2),
                           closes_at=now + datetime.timedelta(days=20), published_at=now)
user = User.objects.create_user(EMAIL, PASSWORD)
EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
organisation = Organisation.objects.create(name="Deux Instances SAS", kind="startup")
OrganisationMembership.objects.create(organisation=organisation, user=user, role="owner")
application = Application.objects.create(call=call, organisation=organisation,
                                         title="Titre de départ")
print(json.dumps({"application": application.pk}))
"""

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RoundRobinProxy(ThreadingHTTPServer):
    """Each request to the next backend in turn; the answer names the backend."""

    daemon_threads = True

    def __init__(self, backends):
        super().__init__(("127.0.0.1", 0), ProxyHandler)
        self.backends = backends
        self.turn = itertools.count()
        self.lock = threading.Lock()
        self.served = []

    def next_backend(self):
        with self.lock:
            index = next(self.turn) % len(self.backends)
            self.served.append(index)
            return index

    def peek(self):
        """The backend the next request goes to."""
        with self.lock:
            return len(self.served) % len(self.backends)


class ProxyHandler(BaseHTTPRequestHandler):
    def _forward(self):
        index = self.server.next_backend()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-Proto"] = "https"
        headers["X-Forwarded-For"] = self.client_address[0]
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.backends[index], timeout=60)
        try:
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            content = response.read()
        finally:
            upstream.close()
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("X-Upstream", str(index))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_HEAD = _forward  # noqa: N815 - http.server API

    def log_message(self, *args):
        pass


class Browser:
    """One person: a cookie jar, no redirects followed (each hop is asserted)."""

    def __init__(self, proxy):
        self.proxy = proxy
        self.port = proxy.server_address[1]
        self.origin = f"https://127.0.0.1:{self.port}"
        self.cookies = {}

    def request(self, method, path, body=None, headers=None, on=None):
        if on is not None:
            # Alternation is the proxy's; a throwaway request moves it to the wanted turn.
            while self.proxy.peek() != on:
                self.request("GET", "/healthz")
        headers = dict(headers or {})
        if self.cookies:
            # The proxy terminates "TLS": Secure cookies go back like a browser's would.
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers.setdefault("Origin", self.origin)
            headers.setdefault("Referer", self.origin + path)
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=90)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        response.body = content
        response.upstream = int(response.headers["X-Upstream"])
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path, fields, **kwargs):
        from urllib.parse import urlencode

        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        headers = {"Content-Type": "application/x-www-form-urlencoded", **kwargs.pop("headers", {})}
        return self.request("POST", path, body=urlencode(data).encode(), headers=headers, **kwargs)

    def post_file(self, path, fields, name, filename, content, **kwargs):
        boundary = uuid.uuid4().hex
        parts = []
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        for key, value in data.items():
            disposition = f'Content-Disposition: form-data; name="{key}"'
            parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, body=b"".join(parts), headers=headers, **kwargs)


def wait_for_health(port, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


@pytest.fixture(scope="module")
def two_instances(tmp_path_factory):
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url.startswith("redis"):
        pytest.fail("The smoke test needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis).")
    import psycopg

    parsed = urlparse(database_url)
    database = f"{parsed.path.lstrip('/') or 'qmi'}_two_instances"
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {database}")
    tmp = tmp_path_factory.mktemp("two-instances")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "qmi.settings",
        "SECRET_KEY": "smoke-test-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": parsed._replace(path=f"/{database}").geturl(),
        "REDIS_URL": redis_url,
        # One media directory for both instances, as one volume or one bucket.
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "EMAIL_URL": "locmem://",
    }
    run = {"cwd": ROOT, "env": env, "check": True, "timeout": 300}
    subprocess.run([BIN / "python", "manage.py", "migrate", "--noinput", "-v0"], **run)
    subprocess.run([BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"], **run)
    seeded = subprocess.run(
        [
            BIN / "python",
            "-c",
            f"import django; django.setup()\nEMAIL={EMAIL!r}\nPASSWORD={PASSWORD!r}\n" + SEED,
        ],
        capture_output=True,
        text=True,
        **{**run, "check": False},
    )
    assert seeded.returncode == 0, seeded.stderr
    ports = [free_port(), free_port()]
    logs = [open(tmp / f"web{i}.log", "w+") for i in range(2)]  # noqa: SIM115 - closed in finally
    processes = [
        subprocess.Popen(
            [BIN / "gunicorn", "qmi.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    proxy = RoundRobinProxy(ports)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        for port, log in zip(ports, logs, strict=True):
            log.flush()
            assert wait_for_health(port), Path(log.name).read_text()
        yield {
            "proxy": proxy,
            "application": json.loads(seeded.stdout)["application"],
            "processes": processes,
            "media": tmp / "media",
            "logs": logs,
        }
    finally:
        proxy.shutdown()
        proxy.server_close()
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for log in logs:
            log.close()


def logs_of(stack):
    text = []
    for log in stack["logs"]:
        log.flush()
        text.append(Path(log.name).read_text())
    return "\n".join(text)


def test_the_same_person_is_served_by_both_instances(two_instances):
    stack = two_instances
    browser = Browser(stack["proxy"])
    pk = stack["application"]
    step = f"/candidatures/{pk}/etapes/projet/"

    # Log-in form from one instance, log-in on the other: the CSRF cookie holds.
    form = browser.get("/comptes/login/", on=0)
    assert form.status == 200, logs_of(stack)
    assert "csrftoken" in browser.cookies
    login = browser.post_form("/comptes/login/", {"login": EMAIL, "password": PASSWORD}, on=1)
    assert login.status == 302, login.body.decode()[:2000]
    assert "sessionid" in browser.cookies

    # The session is valid on both instances.
    for instance in (0, 1):
        page = browser.get("/candidatures/", on=instance)
        assert page.upstream == instance
        assert page.status == 200, (instance, page.status, page.headers.get("Location"))
        assert "Titre de départ" in page.body.decode()

    # Autosave through one instance, restored by the other.
    opened = browser.get(step, on=0)
    assert opened.status == 200
    version = re.search(r'name="version" value="(\d+)"', opened.body.decode()).group(1)
    saved = browser.post_form(
        step,
        {"title": "Sauvegardé sur une instance", "version": version},
        headers={"X-Autosave": "1"},
        on=0,
    )
    assert saved.status == 200, saved.body.decode()[:2000]
    assert json.loads(saved.body)["version"] == int(version) + 1
    restored = browser.get(step, on=1)
    assert restored.status == 200
    assert 'value="Sauvegardé sur une instance"' in restored.body.decode()

    # An upload through one instance, downloaded byte for byte through the other.
    content = PDF + os.urandom(4096)
    upload = browser.post_file(
        f"/candidatures/{pk}/pieces-jointes/",
        {"kind": "pitch_deck"},
        "file",
        "Présentation.pdf",
        content,
        on=1,
    )
    assert upload.status == 302, upload.body.decode()[:2000]
    pieces = browser.get(f"/candidatures/{pk}/etapes/pieces/", on=0)
    link = re.search(
        r'href="(/candidatures/pieces-jointes/\d+/telecharger/)"', pieces.body.decode()
    )
    assert link, pieces.body.decode()[:3000]
    download = browser.get(link.group(1), on=0)
    assert download.status == 200
    assert download.body == content
    assert any(stack["media"].rglob("*")), "the upload is in the shared media directory"

    # Log-out on one instance ends the session on the other too.
    browser.post_form("/comptes/logout/", {}, on=1)
    after = browser.get("/candidatures/", on=0)
    assert after.status == 302 and "/comptes/login/" in after.headers["Location"]

    # Both instances served, in turn, and both are still up.
    assert set(stack["proxy"].served) == {0, 1}
    assert all(process.poll() is None for process in stack["processes"]), logs_of(stack)
