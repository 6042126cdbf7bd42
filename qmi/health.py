"""GET /healthz: the state of the database, the broker and the cache, as JSON.

The database is essential (503 when it is down). The broker and the cache
only degrade the site: pages and log-ins go on, the outbox catches up when
the broker is back. ``status`` is "degraded" and ``down`` names what is down.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "down"
        return "down"
    return "ok"


def _ping(client):
    try:
        client.ping()
    except Exception:  # noqa: BLE001 - any failure means "down"
        return "down"
    return "ok"


def broker_state():
    if not settings.REDIS_URL:
        return "eager"
    import redis

    return _ping(
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    )


def cache_state():
    """ "ok" or "down" for a Redis cache, "local" for a per-process one."""
    try:
        client = cache.client.get_client(write=True)
    except AttributeError:  # not a Redis cache
        return "local"
    except Exception:  # noqa: BLE001
        return "down"
    return _ping(client)


@never_cache
@require_GET
def healthz(request):
    states = {"database": database_state(), "broker": broker_state(), "cache": cache_state()}
    down = [name for name, state in states.items() if state == "down"]
    body = {
        "status": "degraded" if down else "ok",
        "down": down,
        "database": {"state": states["database"], "vendor": connection.vendor},
        "broker": {"state": states["broker"]},
        "cache": {"state": states["cache"]},
    }
    return JsonResponse(body, status=503 if states["database"] == "down" else 200)
