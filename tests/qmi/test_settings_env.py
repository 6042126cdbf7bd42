"""Settings are parsed once, by django-environ, and the README's EMAIL_URL schemes work."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qmi.settings import email_url_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://user:p%40ss@mail.example.org:587?tls",
            ("smtp", "mail.example.org", 587, "user", "p@ss", True, False),
        ),
        (
            "smtp+tls://u:p@mail.example.org:587",
            ("smtp", "mail.example.org", 587, "u", "p", True, False),
        ),
        (
            "smtps://u:p@mail.example.org:465",
            ("smtp", "mail.example.org", 465, "u", "p", False, True),
        ),
        ("smtp://mail.example.org:25?ssl", ("smtp", "mail.example.org", 25, "", "", False, True)),
        ("console://", ("console", None, None, "", "", False, False)),
        ("locmem://", ("locmem", None, None, "", "", False, False)),
    ],
)
def test_the_readmes_email_url_schemes(url, expected):
    config = email_url_config(url)
    assert (
        config["EMAIL_BACKEND"].split(".")[-2],
        config["EMAIL_HOST"],
        config["EMAIL_PORT"],
        config["EMAIL_HOST_USER"] or "",
        config["EMAIL_HOST_PASSWORD"] or "",
        bool(config.get("EMAIL_USE_TLS")),
        bool(config.get("EMAIL_USE_SSL")),
    ) == expected


SHOW = """
import json
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps([s.DEBUG, s.ALLOWED_HOSTS, db["ENGINE"], db["NAME"], db["HOST"], db["PORT"],
                  db["CONN_MAX_AGE"], s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT,
                  s.EMAIL_USE_TLS, s.SECURE_HSTS_SECONDS, s.QMI_REVIEW_REMINDER_DAYS]))
"""


def settings_with(**variables):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "qmi.settings", **variables}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + SHOW],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_production_variables_are_parsed_into_settings():
    assert settings_with(
        DEBUG="0",
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="qmi.example.org, www.qmi.example.org",
        DATABASE_URL="postgres://qmi:secret@db.example.org:5433/qmi",
        DB_CONN_MAX_AGE="30",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        EMAIL_USE_TLS="1",
        QMI_REVIEW_REMINDER_DAYS="5",
    ) == [
        False,
        ["qmi.example.org", "www.qmi.example.org"],
        "django.db.backends.postgresql",
        "qmi",
        "db.example.org",
        5433,
        30,
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        2525,
        True,
        31536000,
        5,
    ]


def test_with_no_environment_the_site_runs_in_debug_on_sqlite_with_console_mails():
    debug, _hosts, engine, *_rest = settings_with(DEBUG="1")
    assert debug is True and engine == "django.db.backends.sqlite3"
    assert settings_with(DEBUG="1")[7] == "django.core.mail.backends.console.EmailBackend"
