"""Playwright against pytest-django's live server, with Debian's Chromium.

Nothing downloads a browser: the executable is /usr/bin/chromium (apt
package ``chromium``), or CHROMIUM_PATH.
"""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import _generated as playwright_api

from tests.typography import typography_faults

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SERIOUS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def _literal(char):
    # No backslashes: Playwright escapes them again inside its selectors.
    if char == "'":
        return "['’]"
    if char == " ":
        return "[ \u00a0]+"
    if char.isalnum() or char in '’«»…–—,;:!?&@#%/<>="':
        return char
    return re.escape(char) if char in "]\\^-" else f"[{char}]"


def _apostrophe_tolerant(text, exact):
    """Pages are typeset (’ for '): a straight apostrophe in a test matches both."""
    if not isinstance(text, str) or "'" not in text:
        return text, exact
    pattern = "".join(_literal(c) for c in text)
    if exact:
        return re.compile(f"^{pattern}$"), None
    return re.compile(pattern, re.I), None


def _tolerant(method, text_arg="text"):
    def wrapper(self, *args, **kwargs):
        if text_arg == "name":
            if "name" in kwargs:
                kwargs["name"], exact = _apostrophe_tolerant(kwargs["name"], kwargs.get("exact"))
                kwargs.pop("exact", None)
                if exact is not None:
                    kwargs["exact"] = exact
        elif args:
            first, exact = _apostrophe_tolerant(args[0], kwargs.get("exact"))
            args = (first, *args[1:])
            kwargs.pop("exact", None)
            if exact is not None:
                kwargs["exact"] = exact
        return method(self, *args, **kwargs)

    return wrapper


for _cls in (playwright_api.Page, playwright_api.Locator, playwright_api.FrameLocator):
    for _name in ("get_by_label", "get_by_text", "get_by_placeholder", "get_by_title"):
        setattr(_cls, _name, _tolerant(getattr(_cls, _name)))
    _cls.get_by_role = _tolerant(_cls.get_by_role, text_arg="name")


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

# Every checked page is measured at these widths (a phone, a laptop).
WIDTHS = (390, 1280)

# The page's own width beyond the viewport: what makes it scroll sideways.
_OVERFLOW_JS = """async () => {
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const doc = document.documentElement;
  const culprits = [];
  const beyond = (el) => el.getBoundingClientRect().right > doc.clientWidth + 1;
  for (const el of document.body.querySelectorAll('*')) {
    if (beyond(el) && el.getBoundingClientRect().width > 0 && !beyond(el.parentElement)
        && getComputedStyle(el.parentElement).overflowX === 'visible') {
      const cls = typeof el.className === 'string' ? el.className.trim() : '';
      culprits.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (cls ? '.' + cls.split(/\\s+/).join('.') : ''));
    }
  }
  return {scroll: doc.scrollWidth, client: doc.clientWidth, culprits: culprits.slice(0, 5)};
}"""


def assert_fits(page, widths=WIDTHS):
    """The page never scrolls sideways at any of ``widths`` (CSS pixels)."""
    original = page.viewport_size
    try:
        for width in widths:
            page.set_viewport_size({"width": width, "height": 844 if width < 600 else 800})
            measure = page.evaluate(_OVERFLOW_JS)
            assert measure["scroll"] <= measure["client"], (
                f"{page.url} scrolls sideways at {width} px: {measure['scroll']} px wide; "
                f"overflowing: {', '.join(measure['culprits'])}"
            )
    finally:
        if original:
            page.set_viewport_size(original)


# Contrast of each visible form control's border against what is behind it.
_CONTROL_CONTRAST_JS = """() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const ch = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const background = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const c = parse(getComputedStyle(p).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c;
    }
    return [255, 255, 255];
  };
  const bad = [];
  const selector = 'input:not([type=hidden]):not(.btn-check), select, textarea';
  for (const el of document.querySelectorAll(selector)) {
    const style = getComputedStyle(el);
    if (!el.offsetParent || style.visibility === 'hidden') continue;
    if (parseFloat(style.borderTopWidth) === 0) continue;
    const a = lum(parse(style.borderTopColor)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const name = `${el.tagName.toLowerCase()}#${el.id || el.name}`;
    if (ratio < 3) bad.push(`${name} ${style.borderTopColor} ${ratio.toFixed(2)}:1`);
  }
  return bad;
}"""


def assert_control_contrast(page):
    """Form controls' borders contrast at least 3:1 with their background (WCAG 1.4.11)."""
    bad = page.evaluate(_CONTROL_CONTRAST_JS)
    assert not bad, f"form control borders under 3:1 on {page.url}: {'; '.join(bad[:5])}"


def assert_french_typography(page):
    """A French page is typeset: no ordinary space before « : ; ? ! », elision, no "(s)"."""
    if not page.evaluate("document.documentElement.lang").startswith("fr"):
        return
    faults = typography_faults(page.evaluate("document.body.innerText"))
    assert not faults, f"French typography on {page.url}: {faults[:5]}"


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
        assert_french_typography(self.page)
        assert_control_contrast(self.page)
        assert_fits(self.page)
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
