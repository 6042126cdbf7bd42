"""Cheap polling for public data: an ETag from the body, a Last-Modified that moves only
when the body changes, and 304 Not Modified when the client already has it."""

import hashlib
import logging

from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

logger = logging.getLogger(__name__)
SEEN_FOR = 60 * 60 * 24 * 30


def _first_seen(request, etag):
    """When this URL first answered this body (now if unknown, or if the cache is down)."""
    key = "stats:lm:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
    now = int(timezone.now().timestamp())
    try:
        seen = cache.get(key)
        if seen and seen[0] == etag:
            return seen[1]
        cache.set(key, (etag, now), SEEN_FOR)
    except Exception:  # a cache outage costs a full answer, never the answer
        logger.warning("cache unavailable for Last-Modified", exc_info=True)
    return now


def conditional(request, response, max_age=60):
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
    last_modified = _first_seen(request, etag)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    patch_cache_control(response, public=True, max_age=max_age)
    vary = response.get("Vary")
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
    if not_modified is not response and vary:
        not_modified["Vary"] = vary
    return not_modified
