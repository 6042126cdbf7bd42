"""A Redis cache that degrades instead of failing when Redis is down.

django-redis with ``DJANGO_REDIS_IGNORE_EXCEPTIONS`` turns connection errors
into cache misses. One call needs more: allauth's rate limits take a lock
with ``cache.add()`` and, when the lock cannot be had, refuse the log-in as
"too many attempts". With Redis down, ``add()`` answers "done" so log-ins
and sign-ups go on (unlimited until Redis is back).
"""

from django_redis.cache import RedisCache


class DegradingRedisCache(RedisCache):
    def add(self, *args, **kwargs):
        added = super().add(*args, **kwargs)
        # None: the connection failed and the error was ignored.
        return True if added is None else added
