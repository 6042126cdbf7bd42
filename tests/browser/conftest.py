"""Playwright against pytest-django's live server, with Debian's Chromium.

Nothing downloads a browser: the executable is /usr/bin/chromium (apt
package ``chromium``), or CHROMIUM_PATH.
"""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SERIOUS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: apt-get install chromium (make test-browser)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture(autouse=True)
def _browser_settings(settings, live_server):
    settings.SITE_URL = live_server.url
    settings.ALLOWED_HOSTS = ["*"]


_axe = Axe()


class AccessiblePage:
    """Wraps a Playwright page: every visited page is checked with axe-core."""

    def __init__(self, page, base_url):
        self.page = page
        self.base_url = base_url
        self.checked = []

    def goto(self, path):
        self.page.goto(self.base_url + path)
        self.check()
        return self.page

    def check(self):
        self.page.wait_for_load_state("load")
        results = _axe.run(self.page)
        bad = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} – "
            + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
            for v in bad
        )
        assert not bad, f"axe violations on {self.page.url}:\n{details}"
        self.checked.append(self.page.url)

    def __getattr__(self, name):
        return getattr(self.page, name)


@pytest.fixture
def site(page, live_server):
    """A page whose every visit is checked for serious accessibility violations."""
    page.set_default_timeout(15000)
    return AccessiblePage(page, live_server.url)


def link_in_mail(body):
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0)


def log_in(site, email, password):
    site.goto("/comptes/login/")
    site.page.locator("#id_login").fill(email)
    site.page.locator("#id_password").fill(password)
    site.page.get_by_role("button", name=re.compile("Connexion|Se connecter", re.I)).click()
    site.page.wait_for_load_state("load")
    site.check()
