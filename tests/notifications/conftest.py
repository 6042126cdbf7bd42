import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from tests.factories import CallFactory, MembershipFactory, UserFactory


class SMTPDownBackend(LocmemBackend):
    """An SMTP server that refuses every connection."""

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


SMTP_DOWN = "tests.notifications.conftest.SMTPDownBackend"


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = SMTP_DOWN

    def restore():
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    return restore


@pytest.fixture
def call(db):
    return CallFactory(reminder_offsets_hours=[168, 24, 3])


@pytest.fixture
def member(db):
    return MembershipFactory(user=UserFactory(preferred_language="fr")).user


@pytest.fixture
def deliver_on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit dispatch of messages queued inside the block (as after COMMIT)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _broker_reachable():
    """Each test starts with no memory of an earlier broker outage."""
    from notifications.services import outbox

    outbox._broker_down_until = 0.0
    yield
    outbox._broker_down_until = 0.0
