"""Time the main pages on the demo data, as each demo persona sees them.

    DEBUG=1 .venv/bin/python bench/bench_pages.py [--repeat 20]

Uses its own SQLite file (or DATABASE_URL when set), migrates it and loads
the demo. Prints, per page, the median and 95th percentile time in ms and
the number of SQL queries. Times depend on the machine: compare runs made
on the same machine, or read the ratios between pages.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qmi.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/qmi-bench.sqlite3")


def pages():
    """(persona e-mail or None, URL) pairs; URLs are resolved after setup."""
    from django.urls import reverse

    from calls.models import Call

    open_call = Call.objects.open().first()
    candidates = [
        (None, "/"),
        (None, "/appels/"),
        (None, "/editions/"),
        (None, open_call.get_absolute_url() if open_call else "/appels/"),
        ("startup@qmi.example", "/candidatures/"),
        ("manager.argenteuil@qmi.example", "/equipe/"),
        ("admin@qmi.example", "/gestion/"),
    ]
    if open_call:
        from applications.models import ApplicationTarget
        from calls.models import Participation

        argenteuil = Participation.objects.get(call=open_call, commune__slug="argenteuil")
        target = ApplicationTarget.objects.filter(participation=argenteuil).first()
        manager = "manager.argenteuil@qmi.example"
        candidates += [
            (manager, reverse("staff:dashboard", args=[argenteuil.pk])),
            (manager, reverse("staff:dashboard", args=[argenteuil.pk]) + "?sort=-score"),
            (manager, reverse("staff:application", args=[target.pk])),
            ("admin@qmi.example", reverse("staff:call_results", args=[open_call.pk])),
            ("admin@qmi.example", reverse("notifications:outbox")),
        ]
    return candidates


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed_seconds = time.perf_counter() - started
    print(
        f"machine: {platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {connection.vendor}"
    )
    print(f"seed_demo: {seed_seconds:.1f} s")
    print(f"{'page':<55} {'persona':<32} {'median ms':>9} {'p95 ms':>7} {'queries':>7}")
    for email, url in pages():
        client = Client()
        if email:
            client.force_login(User.objects.get(email=email))
        client.get(url)  # warm caches and templates
        timings = []
        for _ in range(args.repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(
            f"{url:<55} {email or 'visitor':<32} {statistics.median(timings):>9.1f} "
            f"{p95:>7.1f} {len(queries):>7}"
        )


if __name__ == "__main__":
    main()
