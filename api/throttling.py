import logging

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

logger = logging.getLogger(__name__)


class PerIPThrottle(AnonRateThrottle):
    """Requests per client IP (``QMI_API_RATE``, e.g. "120/minute"); every API client is
    anonymous. The IP is REMOTE_ADDR, or the address a trusted proxy saw
    (``API_NUM_PROXIES``). If the cache is down the API keeps answering."""

    scope = "anon"

    def get_rate(self):
        return settings.QMI_API_RATE

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("API rate limit skipped: cache unavailable", exc_info=True)
            return True
