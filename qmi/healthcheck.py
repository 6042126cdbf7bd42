"""Container health check: GET /healthz on the local gunicorn, as a proxy would.

Run as ``python -m qmi.healthcheck`` (Dockerfile HEALTHCHECK, docker compose).
It imports nothing from Django, so it costs a few milliseconds. It sends a
Host the site accepts (the first of ALLOWED_HOSTS) and says it came over
HTTPS, so neither host validation nor SECURE_SSL_REDIRECT turns it away.
Exit 0 when /healthz answers 200 (the database is up; a Redis outage only
degrades), 1 otherwise.
"""

import os
import sys
import urllib.error
import urllib.request

URL = "http://127.0.0.1:{port}/healthz"


def host_header(allowed_hosts):
    for host in allowed_hosts.split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main():
    request = urllib.request.Request(  # noqa: S310 - loopback, fixed scheme
        URL.format(port=os.environ.get("PORT", "8000")),
        headers={
            "Host": host_header(os.environ.get("ALLOWED_HOSTS", "")),
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 - loopback
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1


if __name__ == "__main__":
    sys.exit(main())
