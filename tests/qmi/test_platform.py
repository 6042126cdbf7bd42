import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import User
from calls.models import Edition, Participation
from communes.models import Commune, TeamMembership

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "DJANGO_SETTINGS_MODULE": "qmi.settings",
    "SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789abcdef",
    "ALLOWED_HOSTS": "qmi.example",
    "SITE_URL": "https://qmi.example",
}


def run_manage(*args, env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_site_refuses_to_start_without_secret_or_hosts_when_debug_is_off(missing):
    env = {**PRODUCTION_ENV, missing: ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_healthz_names_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"]["state"] == "ok"
    assert body["broker"]["state"] in {"eager", "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(client, db, monkeypatch):
    from qmi import health

    monkeypatch.setattr(health, "database_state", lambda: "down")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"]["state"] == "down"


def test_healthz_reports_a_broker_that_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    body = json.loads(client.get("/healthz").content)
    assert body["broker"]["state"] == "down"


def test_seed_demo_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (User.objects.count(), Commune.objects.count(), Participation.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Commune.objects.count(), Participation.objects.count()) == counts
    assert Commune.objects.count() == 10
    assert Commune.objects.get(name="Argenteuil").insee_code == "95018"
    qmi1 = Edition.objects.get(code="QMI1")
    assert set(qmi1.participations.values_list("commune__name", flat=True)) == {
        "Aulnay-sous-Bois",
        "Meudon",
        "Noisy-le-Grand",
        "Sceaux",
    }
    assert Edition.objects.get(code="QMI2").participations.count() == 6
    admin = User.objects.get(email="admin@qmi.example")
    assert admin.is_metropolis_admin and admin.check_password("qmi-demo-2025")
    assert TeamMembership.objects.get(user__email="manager.argenteuil@qmi.example").role == (
        "manager"
    )
    assert User.objects.get(email="startup@qmi.example").organisations.count() == 1


def test_seed_demo_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")


def test_legal_pages_exist_and_show_publisher(client, db, settings):
    for name in ["legal_notice", "privacy", "accessibility", "contact"]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert settings.QMI_PUBLISHER["contact_email"] in response.content.decode() or (
            name in {"legal_notice", "privacy"}
        )


def test_pages_use_no_cdn(client, db):
    html = client.get("/").content.decode()
    assert "/static/js-lib-bootstrap5/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()
    assert "htmx" in html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_translation_catalogues_are_complete(language):
    import polib

    catalogue = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_the_site_speaks_english_when_asked(client, db, settings):
    import datetime

    from django.template import Context, Template
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").content.decode()
    assert 'lang="en"' in html and "Calls for projects" in html
    deadline = datetime.datetime(2025, 3, 17, 22, 59, tzinfo=datetime.UTC)
    template = Template("{% load qmi_tags %}{{ deadline|paris_datetime }}")
    with translation.override("en"):
        assert template.render(Context({"deadline": deadline})) == (
            "17 March 2025 at 23:59 (Paris time)"
        )
    with translation.override("fr"):
        assert template.render(Context({"deadline": deadline})) == (
            "17 mars 2025 à 23 h 59 (heure de Paris)"
        )


def test_services_look_their_tasks_up_by_name_instead_of_importing_them():
    """Tasks modules import services; a service importing a tasks module back would
    make the cycle that ``qmi.celery.registered_task`` exists to avoid."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/services/**/*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [
                f"{path.relative_to(root)} imports {name}"
                for name in names
                if name.split(".")[-1] == "tasks"
            ]
    assert offenders == []
    assert any(root.glob("*/services/**/*.py"))


def test_a_task_looked_up_by_name_in_a_fresh_web_process_is_found_and_runs_eagerly():
    """A web process has not imported any tasks module when it first enqueues."""
    import os
    import subprocess
    import sys

    code = (
        "import sys, django; from unittest import mock; django.setup();"
        "assert 'notifications.tasks' not in sys.modules;"
        "from qmi.celery import registered_task;"
        "task = registered_task('notifications.sweep_outbox');"
        "patch = mock.patch('notifications.services.outbox.sweep', return_value=(2, 3));"
        "patch.start(); print(task.delay().get())"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qmi.test_settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'requeued': 2, 'dispatched': 3}"


@pytest.mark.django_db
def test_the_checks_that_read_the_database_are_clean():
    """`make run` on SQLite prints no warning for the PostgreSQL covering indexes."""
    from django.core.management import call_command

    call_command("check", "--database", "default", "--fail-level", "WARNING")
