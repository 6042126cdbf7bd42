"""The docker-compose topology, started as plain processes.

gunicorn + a Celery worker + Celery beat, against the PostgreSQL and Redis
named by DATABASE_URL and REDIS_URL (``make test-smoke``).
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.smoke

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url.startswith("redis"):
        pytest.fail("The smoke test needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis).")
    import psycopg

    # A database of its own, created afresh.
    parsed = urlparse(database_url)
    smoke_db = "qmi_smoke"
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {smoke_db} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {smoke_db}")
    tmp = tmp_path_factory.mktemp("smoke")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "qmi.settings",
        "SECRET_KEY": "smoke-test-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": parsed._replace(path=f"/{smoke_db}").geturl(),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "EMAIL_URL": "locmem://",
    }
    run = {"cwd": ROOT, "env": env, "check": True, "timeout": 300}
    subprocess.run([BIN / "python", "manage.py", "migrate", "--noinput"], **run)
    subprocess.run([BIN / "python", "manage.py", "collectstatic", "--noinput", "-v0"], **run)
    logs = {name: open(tmp / f"{name}.log", "w+") for name in ("web", "worker", "beat")}  # noqa: SIM115 - closed in finally
    commands = {
        "web": [BIN / "gunicorn", "qmi.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        "worker": [BIN / "celery", "-A", "qmi", "worker", "-l", "info", "-c", "2"],
        "beat": [
            BIN / "celery",
            "-A",
            "qmi",
            "beat",
            "-l",
            "info",
            "-s",
            str(tmp / "celerybeat-schedule"),
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
    try:
        yield {"url": f"http://127.0.0.1:{port}", "processes": processes, "logs": logs, "env": env}
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for log in logs.values():
            log.close()


def wait_for(predicate, timeout=60, interval=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def read_log(stack, name):
    log = stack["logs"][name]
    log.flush()
    log.seek(0)
    return log.read()


def get_json(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status, json.loads(response.read())
    except OSError:
        return None


def test_gunicorn_serves_healthz_with_database_and_broker_up(stack):
    result = wait_for(lambda: get_json(stack["url"] + "/healthz"), timeout=60)
    assert result, read_log(stack, "web")
    status, body = result
    assert status == 200
    assert body["database"] == {"state": "ok", "vendor": "postgresql"}
    assert body["broker"] == {"state": "ok"}


def test_a_task_makes_the_round_trip_through_the_worker(stack):
    script = "from qmi.celery import app\nprint(app.send_task('qmi.ping').get(timeout=60))\n"
    result = subprocess.run(
        [BIN / "python", "-c", script],
        cwd=ROOT,
        env=stack["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "pong", result.stderr + read_log(stack, "worker")
    assert "qmi.ping" in read_log(stack, "worker")


def test_beat_is_running_and_scheduling(stack):
    assert wait_for(lambda: "beat: Starting" in read_log(stack, "beat"), timeout=30), read_log(
        stack, "beat"
    )
    assert stack["processes"]["beat"].poll() is None
