"""Redis down: every page, log-in and sign-up still works; /healthz says "degraded"."""

import json
import time

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, CallFactory, UserFactory

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = UNREACHABLE
    settings.CACHES = {
        "default": {
            "BACKEND": "qmi.cache.DegradingRedisCache",
            "LOCATION": UNREACHABLE,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5},
        }
    }


def test_the_cache_answers_misses_and_never_raises(redis_down):
    from django.core.cache import cache

    assert cache.get("key") is None
    cache.set("key", "value")
    assert cache.get("key", "default") == "default"
    # allauth's rate limits lock with add(): with Redis down it must not block.
    assert cache.add("lock", True) is True
    cache.delete("key")


def test_log_in_works_with_redis_down(client, db, redis_down):
    user = UserFactory()
    started = time.monotonic()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert time.monotonic() - started < 10  # refused connections fail fast


def test_a_wrong_password_is_still_a_form_error_with_redis_down(client, db, redis_down):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_up_and_password_reset_work_with_redis_down(
    client, db, redis_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "full_name": "Léa Porteuse",
                "email": "lea@example.org",
                "password1": "un-Mot-de-passe-solide-42",
                "password2": "un-Mot-de-passe-solide-42",
            },
        )
    assert response.status_code == 302
    response = client.post(reverse("account_reset_password"), {"email": "lea@example.org"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "name", ["home", "account_login", "account_signup", "account_reset_password", "contact"]
)
def test_pages_are_served_with_redis_down(client, db, redis_down, name):
    CallFactory()
    assert client.get(reverse(name)).status_code == 200


def test_healthz_says_degraded_and_names_what_is_down(client, db, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "degraded"
    assert body["down"] == ["broker", "cache"]
    assert body["broker"] == {"state": "down"}
    assert body["cache"] == {"state": "down"}
    assert body["database"]["state"] == "ok"


def test_healthz_is_ok_with_a_local_cache_and_eager_tasks(client, db, settings):
    settings.REDIS_URL = ""
    body = json.loads(client.get("/healthz").content)
    assert body["status"] == "ok"
    assert body["down"] == []
    assert body["cache"] == {"state": "local"}
