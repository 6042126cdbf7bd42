"""Every mail kind with names holding ' & < and accents.

Subjects and text parts are plain text (never HTML-escaped); the HTML part
escapes each value exactly once; Message-IDs are on the site's domain.
"""

import re

import pytest

from notifications.kinds import KINDS
from notifications.services import queue_message, render_message
from notifications.services.outbox import build_email
from tests.factories import ApplicationTargetFactory, UserFactory
from tests.notifications.test_templates import CONTEXTS
from tests.typography import plain

pytestmark = pytest.mark.django_db

HOSTILE = "Claire O'Neil & <b>Reçu</b> d'Élancourt"
ESCAPED_ONCE = "Claire O&#x27;Neil &amp; &lt;b&gt;Reçu&lt;/b&gt; d&#x27;Élancourt"
# Mails that show no name at all (only the recipient's address, a link, a date).
NAMELESS = {"account_unknown", "data_export_ready", "inactive_account_notice"}
# Codes, dates and links the templates read as such, not names.
NOT_NAMES = {
    "decision",
    "role_code",
    "expires_at",
    "deletion_at",
    "closes_at",
    "submitted_at_paris",
    "closes_at_paris",
    "path",
    "signup",
}


def hostile(context):
    def swap(key, value):
        if key in NOT_NAMES or key.endswith("url"):
            return value
        if isinstance(value, str):
            return HOSTILE
        if isinstance(value, list):
            return [HOSTILE for _ in value]
        return value

    return {key: swap(key, value) for key, value in context.items()}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_escapes_names_exactly_once(kind, language, settings):
    settings.SITE_URL = "https://qmi.example.org"
    about = ApplicationTargetFactory().application
    recipient = UserFactory(full_name=HOSTILE, preferred_language=language)
    message, _ = queue_message(
        recipient=recipient, kind=kind, about=about, context=hostile(CONTEXTS[kind])
    )
    subject, body, html = render_message(message)
    # French mails are typeset (’ for ', non-breaking spaces): compare with plain ones.
    text = plain(subject + "\n" + body)
    html = plain(html).replace("'", "&#x27;")
    if kind not in NAMELESS:
        assert HOSTILE in text, f"{kind}: no name shown in its text"
    for entity in ("&amp;", "&#x27;", "&lt;", "&gt;", "&quot;"):
        assert entity not in text, f"{kind}: {entity} in the subject or text part"
    if kind not in NAMELESS:
        assert ESCAPED_ONCE in html
    assert "<b>Reçu</b>" not in html
    for twice in ("&amp;amp;", "&amp;#x27;", "&amp;lt;", "&amp;gt;"):
        assert twice not in html, f"{kind}: escaped twice in the HTML part"
    if HOSTILE in plain(subject):
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert ESCAPED_ONCE in title


def test_message_ids_are_on_the_sites_domain(settings):
    settings.SITE_URL = "https://qmi.example.org"
    about = ApplicationTargetFactory().application
    message, _ = queue_message(
        recipient=UserFactory(),
        kind="alert_confirmation",
        about=about,
        context=CONTEXTS["alert_confirmation"],
    )
    _subject, email = build_email(message)
    assert email.message()["Message-ID"].endswith("@qmi.example.org>")


def test_a_message_keeps_its_message_id_at_every_attempt(settings):
    settings.SITE_URL = "https://qmi.example.org"
    about = ApplicationTargetFactory().application
    first, second = (
        queue_message(
            recipient=UserFactory(),
            kind="alert_confirmation",
            about=about,
            context=CONTEXTS["alert_confirmation"],
        )[0]
        for _ in range(2)
    )
    ids = [build_email(message)[1].message()["Message-ID"] for message in (first, first, second)]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].startswith(f"<qmi.{first.pk}.") and ids[0].endswith("@qmi.example.org>")
