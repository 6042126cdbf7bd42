"""GET /healthz: the state of the database and of the broker, as JSON."""

from django.conf import settings
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


def broker_state():
    if not settings.REDIS_URL:
        return "eager"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1
        )
        client.ping()
    except Exception:  # noqa: BLE001
        return "down"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    db = database_state()
    broker = broker_state()
    body = {
        "status": "ok" if db == "ok" and broker != "down" else "degraded",
        "database": {"state": db, "vendor": connection.vendor},
        "broker": {"state": broker},
    }
    # The database is essential; a broker outage degrades (the outbox catches up).
    return JsonResponse(body, status=200 if db == "ok" else 503)
