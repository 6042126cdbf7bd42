"""Every kind has an HTML version in the platform layout, in the recipient's language."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from notifications.kinds import KINDS
from tests.factories import ApplicationTargetFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db

# The contexts each app queues (see the comment at the top of each .html).
CONTEXTS = {
    "submission_receipt": {
        "reference": "QMI2-0042",
        "title": "Vélos",
        "summary": "Résumé",
        "call": "Appel",
        "organisation": "Cargo & Co",
        "communes": ["Argenteuil"],
        "attachments": ["pitch.pdf"],
        "submitted_at_paris": "17/03/2025 10:00:00",
        "closes_at_paris": "17/03/2025 23:59",
    },
    "application_changed": {
        "reference": "QMI2-0042",
        "title": "Vélos",
        "call": "Appel",
        "author": "Nora",
        "revision": 2,
    },
    "organisation_invitation": {
        "organisation": "Cargo & Co",
        "inviter": "Nora",
        "url": "http://x/inv/",
        "expires_at": "2025-03-24T10:00:00+00:00",
    },
    "decision": {
        "reference": "QMI2-0042",
        "title": "Vélos",
        "commune": "Argenteuil",
        "call_title": "Appel",
        "decision": "selected",
        "motivation": "Très bien.",
        "path": "/c/1/",
    },
    "team_invitation": {
        "commune": "Argenteuil",
        "role": "évaluateur",
        "role_code": "reviewer",
        "invited_by": "Admin",
        "accept_url": "http://x/team/",
        "expires_at": "2025-03-24T10:00:00+00:00",
    },
    "deadline_reminder": {
        "call_title": "Appel",
        "organisation": "Cargo & Co",
        "closes_at": "2025-03-17T22:59:00+00:00",
        "url": "http://x/apps/",
    },
    "alert_confirmation": {"topic": "Argenteuil", "url": "http://x/confirm/"},
    "account_email_confirmation": {"url": "http://x/confirm-email/", "signup": True},
    "account_password_reset": {"url": "http://x/reset/"},
    "account_unknown": {"url": "http://x/signup/"},
    "account_already_exists": {"url": "http://x/reset/"},
    "call_opened": {
        "call_title": "Appel",
        "closes_at": "2025-03-17T22:59:00+00:00",
        "url": "http://x/call/",
        "alerts_url": "http://x/alerts/",
    },
    "call_closed": {
        "call_title": "Appel",
        "commune": "Argenteuil",
        "count": 3,
        "url": "http://x/staff/",
    },
    "assignment_reminder": {
        "call_title": "Appel",
        "commune": "Argenteuil",
        "count": 2,
        "deadline": "17 mars 2025 à 23 h 59",
        "url": "http://x/staff/",
    },
    "review_reminder": {
        "call_title": "Appel",
        "commune": "Argenteuil",
        "count": 2,
        "url": "http://x/staff/",
    },
    "report_reminder": {
        "report": "Rapport de lancement",
        "title": "Vélos",
        "commune": "Argenteuil",
        "due_on": "2025-03-17",
        "overdue": True,
        "url": "http://x/report/",
    },
    "report_filed": {
        "report": "Rapport de lancement",
        "title": "Vélos",
        "organisation": "Cargo & Co",
        "commune": "Argenteuil",
        "url": "http://x/report/",
    },
    "question_asked": {
        "reference": "QMI2-0042",
        "title": "Vélos",
        "organisation": "Cargo & Co",
        "commune": "Argenteuil",
        "url": "http://x/question/",
    },
    "question_answered": {
        "reference": "QMI2-0042",
        "title": "Vélos",
        "organisation": "Cargo & Co",
        "commune": "Argenteuil",
        "url": "http://x/application/",
    },
    "survey_invitation": {
        "survey_title": "Enquête QMI1",
        "edition": "QMI1",
        "recipient_name": "Cargo & Co",
        "closes_at": "2025-03-17T22:59:00+00:00",
        "url": "http://x/survey/",
    },
    "draft_deletion_notice": {
        "organisation": "Cargo & Co",
        "call_title": "Appel",
        "deletion_at": "2025-06-17T22:59:00+00:00",
        "url": "http://x/draft/",
    },
    "inactive_account_notice": {
        "deletion_at": "2025-06-17T22:59:00+00:00",
        "url": "http://x/login/",
    },
    "data_export_ready": {
        "expires_at": "2025-06-17T22:59:00+00:00",
        "url": "http://x/export/",
    },
    "audition_invitation": {
        "commune": "Argenteuil",
        "call_title": "Appel",
        "title": "Cargo & Co",
        "reference": "QMI2-0042",
        "url": "http://x/audition/",
    },
    "audition_booked": {
        "commune": "Argenteuil",
        "call_title": "Appel",
        "title": "Cargo & Co",
        "reference": "QMI2-0042",
        "starts_at": "2025-04-10T08:00:00+00:00",
        "duration": 30,
        "place": "Mairie",
        "video_url": "https://visio.example.org/x",
        "url": "http://x/candidature/",
    },
    "audition_reminder": {
        "commune": "Argenteuil",
        "call_title": "Appel",
        "title": "Cargo & Co",
        "reference": "QMI2-0042",
        "starts_at": "2025-04-10T08:00:00+00:00",
        "duration": 30,
        "place": "Mairie",
        "video_url": "https://visio.example.org/x",
        "url": "http://x/candidature/",
    },
    "survey_reminder": {
        "survey_title": "Enquête QMI1",
        "edition": "QMI1",
        "recipient_name": "Cargo & Co",
        "closes_at": "2025-03-17T22:59:00+00:00",
        "url": "http://x/survey/",
    },
}


def test_every_kind_has_a_documented_context():
    assert set(CONTEXTS) == set(KINDS)


# Kinds whose context carries a name the user typed: the HTML escapes it once.
TYPED = "Cargo & Co"
KINDS_SHOWING_A_TYPED_NAME = sorted(k for k, c in CONTEXTS.items() if TYPED in c.values())


def test_a_typed_name_is_escaped_once_in_every_html_mail_that_shows_one():
    assert len(KINDS_SHOWING_A_TYPED_NAME) >= 5  # the check below is not vacuous
    for kind in KINDS_SHOWING_A_TYPED_NAME:
        context = {**CONTEXTS[kind], "about": None, "recipient": None, "SITE_URL": "http://x"}
        html = render_to_string(f"notifications/mail/{kind}.html", context)
        assert "Cargo &amp; Co" in html, kind
        assert "Cargo & Co" not in html and "&amp;amp;" not in html, kind


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("language", ["fr", "en"])
def test_html_version_renders_in_the_layout_and_language(kind, language):
    about = ApplicationTargetFactory().application
    context = {
        **CONTEXTS[kind],
        "about": about,
        "recipient": None,
        "SITE_URL": "http://127.0.0.1:8000",
        "subject": "Objet",
        "unsubscribe_url": "http://x/unsubscribe/" if KINDS[kind].unsubscribe else None,
    }
    with translation.override(language):
        html = render_to_string(f"notifications/mail/{kind}.html", context)
    assert f'<html lang="{language}">' in html
    assert "Quartiers Métropolitains d'Innovation" in html
    assert 'href="http' in html  # the action button
    if KINDS[kind].unsubscribe:
        assert "http://x/unsubscribe/" in html
    else:
        # Transactional mails say why they cannot be unsubscribed from, in the language.
        expected = {"fr": "aucun abonnement", "en": "not part of any subscription"}[language]
        assert expected in html


@pytest.mark.parametrize(
    "kind",
    ["deadline_reminder", "alert_confirmation", "call_opened", "call_closed", "review_reminder"],
)
def test_plain_text_and_subject_are_not_html_escaped(kind):
    from notifications.services import queue_message, render_message
    from tests.factories import CallFactory

    call = CallFactory()
    context = {
        **CONTEXTS[kind],
        "call_id": call.pk,
        "call_title": "L'appel d'Issy & Co",
        "topic": "L'appel d'Issy & Co",
        "organisation": "Cargo & Co",
    }
    message, _ = queue_message(
        recipient=None, email="a@example.org", kind=kind, about=call, context=context
    )
    subject, body, html = render_message(message)
    assert "&amp;" not in subject + body and "&#x27;" not in subject + body
    assert "d'Issy & Co" in plain(subject + body)
    assert "d’Issy &amp; Co" in html  # escaped, then typeset (’ is typographic)
