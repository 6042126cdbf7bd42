"""The production image installs the runtime lock only; the tools live in the dev lock."""

import re
import tomllib
from pathlib import Path

import pytest

from qmi.healthcheck import host_header

ROOT = Path(__file__).resolve().parents[2]
TOOLS = {
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "playwright",
    "ruff",
    "aiosmtpd",
    "factory-boy",
    "time-machine",
}


def names(lock):
    pins = {}
    for line in (ROOT / lock).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "-r")):
            name, _, version = line.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def requirement_name(requirement):
    return re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0]).lower()


def test_the_runtime_lock_pins_every_runtime_dependency_and_no_tool():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = names("requirements.lock")
    assert {requirement_name(r) for r in project["dependencies"]} <= set(runtime)
    assert not TOOLS & set(runtime)


def test_the_dev_lock_adds_the_tools_on_top_of_the_runtime_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    text = (ROOT / "requirements-dev.lock").read_text()
    assert "-r requirements.lock" in text.splitlines()
    dev = names("requirements-dev.lock")
    assert {requirement_name(r) for r in project["optional-dependencies"]["dev"]} <= set(dev)
    assert not set(dev) & set(names("requirements.lock"))  # each pin in one place


def test_the_image_installs_the_runtime_lock_only_and_checks_health_without_redirects():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -r requirements.lock" in dockerfile
    assert "install -r requirements-dev" not in dockerfile
    assert 'CMD ["python", "-m", "qmi.healthcheck"]' in dockerfile
    assert "qmi.healthcheck" in (ROOT / "docker-compose.yml").read_text()


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("qmi.example.org,www.qmi.example.org", "qmi.example.org"),
        (" .qmi.example.org", "qmi.example.org"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_health_check_sends_a_host_the_site_accepts(allowed, host):
    assert host_header(allowed) == host


def test_healthz_is_not_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200
