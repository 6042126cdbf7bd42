import pytest
from django.core import mail
from django.utils import translation

from tests.factories import (
    PASSWORD,
    AdminFactory,
    MembershipFactory,
    TeamMembershipFactory,
    UserFactory,
)
from tests.typography import html_to_text, typography_faults


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    """Every test writes uploads to its own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language. A request by someone whose
    profile says English leaves English active in the thread afterwards (in production
    the next request's LocaleMiddleware resets it), and a later test calling selectors
    directly would read English labels."""
    translation.deactivate()


@pytest.fixture(autouse=True)
def _french_typography_in_mails():
    """Every French mail a test sends is typeset: no "de Argenteuil", no "(s)", no " :"."""
    yield
    for email in getattr(mail, "outbox", []):
        if not str(email.extra_headers.get("Content-Language", "")).startswith("fr"):
            continue
        texts = [email.subject, email.body]
        texts += [html_to_text(content) for content, _ in getattr(email, "alternatives", [])]
        faults = [fault for text in texts for fault in typography_faults(text)]
        assert not faults, f"French typography in the mail {email.subject!r}: {faults[:5]}"


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def admin_user(db):
    return AdminFactory()


@pytest.fixture
def candidate(db):
    """A user who owns an organisation."""
    return MembershipFactory().user


@pytest.fixture
def reviewer_factory(db):
    def make(commune, role="reviewer"):
        return TeamMembershipFactory(commune=commune, role=role).user

    return make


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate limits and cached values never leak from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
