import pytest

from tests.factories import (
    PASSWORD,
    AdminFactory,
    MembershipFactory,
    TeamMembershipFactory,
    UserFactory,
)


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
