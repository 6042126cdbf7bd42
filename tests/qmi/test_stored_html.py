"""Stored HTML injection: what a candidate types is text on every page and in every mail.

The usual payloads go in every text field a candidate controls (organisation,
profile, application, experiment); the pages of the candidate, the commune
team and the metropolis admin, the in-site notifications, the admin outbox
and the mails that show them must carry them escaped, never as markup.
"""

import pytest
from django.core import mail
from django.urls import reverse

from applications.services.submission import submit_application
from notifications.models import OutboxMessage
from tests.applications.candidate_factories import complete_draft
from tests.factories import (
    AdminFactory,
    MembershipFactory,
    OrganisationFactory,
    TeamMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAYLOAD = (
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
    "<script>alert(1)</script><img src=x onerror=alert(2)>"
)
RAW = ('<meta http-equiv="refresh"', "<script>alert(1)", "<img src=x")
ESCAPED = "&lt;meta http-equiv=&quot;refresh&quot;"
APPLICATION_FIELDS = [
    "title",
    "summary",
    "solution",
    "novelty",
    "impact",
    "impact_measurement",
    "team",
    "budget_funding",
    "budget_ask",
]
EXPERIMENT_FIELDS = ["experiment_what", "experiment_where", "experiment_ask", "experiment_users"]


def assert_escaped(html, where):
    for raw in RAW:
        assert raw not in html, f"{raw!r} rendered as markup in {where}"


@pytest.fixture
def submitted(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory(name=PAYLOAD, address=PAYLOAD, contact_name=PAYLOAD[:150])
    owner = UserFactory(full_name=PAYLOAD[:150])
    MembershipFactory(organisation=organisation, user=owner, role="owner")
    application = complete_draft(
        organisation=organisation, **dict.fromkeys(APPLICATION_FIELDS, PAYLOAD[:200])
    )
    application.targets.update(**dict.fromkeys(EXPERIMENT_FIELDS, PAYLOAD))
    application.attachments.update(original_name=PAYLOAD + ".pdf")
    with django_capture_on_commit_callbacks(execute=True):
        submit_application(application=application, user=owner)
    return application, owner


def test_candidate_text_is_escaped_on_every_page(client, submitted):
    application, owner = submitted
    target = application.targets.get()
    receipt = OutboxMessage.objects.get(kind="submission_receipt", recipient=owner)
    manager = TeamMembershipFactory(commune=target.participation.commune, role="manager").user
    pages = {
        owner: [
            reverse("applications:my_applications"),
            reverse("applications:detail", args=[application.pk]),
            reverse("applications:receipt", args=[application.pk]),
            reverse("applications:organisation_detail", args=[application.organisation.pk]),
            reverse("notifications:list"),
            reverse("notifications:detail", args=[receipt.pk]),
        ]
        + [
            reverse("applications:step", args=[application.pk, step])
            for step in ("communes", "projet", "experimentation", "impact", "budget", "pieces")
        ],
        manager: [
            reverse("staff:home"),
            reverse("staff:dashboard", args=[target.participation_id]),
            reverse("staff:application", args=[target.pk]),
        ],
        AdminFactory(): [
            reverse("notifications:outbox"),
            reverse("notifications:outbox_message", args=[receipt.pk]),
        ],
    }
    shown = 0
    for person, urls in pages.items():
        client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert_escaped(html, url)
            shown += ESCAPED in html
    assert shown >= 10  # the payload is shown, as text


def test_candidate_text_is_text_in_mails(submitted):
    _application, owner = submitted
    [receipt] = [m for m in mail.outbox if m.to == [owner.email]]
    html = next(content for content, kind in receipt.alternatives if kind == "text/html")
    assert_escaped(html, "the receipt's HTML part")
    assert ESCAPED in html
    assert PAYLOAD in receipt.body  # the text part is plain text: shown as typed
    assert "&lt;" not in receipt.body + receipt.subject
