# ruff: noqa: E501, S608 - a local benchmark probe: SQL captured from the page itself
"""The team dashboard in-process, every order and filter, with EXPLAIN ANALYZE.

    DATABASE_URL=... python bench/dashboard.py --repeat 10 [--explain]

For the load data set's first commune, as its manager and as a reviewer (whose
view hides colleagues' scores until they submit), requests each dashboard
order, filter, search and page through Django's test client (no HTTP, DEBUG
off) --repeat times and prints the median and 95th percentile and the number
of SQL queries. With --explain, runs EXPLAIN (ANALYZE, BUFFERS) on every query
of each page and reports any sort spilled to disk and any sequential scan of
applications, application targets or reviews.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qmi.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# The load data set's staff have no second factor: pages, not the MFA flow, are measured.
os.environ.setdefault("QMI_MFA_REQUIRED", "0")

from dashboard_queries import DASHBOARD_QUERIES  # noqa: E402 - after the path above

WATCHED = ("applications_application", "applications_applicationtarget", "applications_review")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from calls.models import Participation

    participation = (
        Participation.objects.filter(call__slug__startswith="charge-qmi").order_by("pk").first()
    )
    rows = participation.targets.count()
    print(
        f"dashboard of participation {participation.pk}: {rows} rows; load average "
        f"{os.getloadavg()[0]:.1f}; {args.repeat} requests per line"
    )
    people = {
        "manager": User.objects.get(email="manager.load1@qmi.example"),
        "reviewer": User.objects.get(email="reviewer1.load1@qmi.example"),
    }
    findings = []
    print(f"{'who':<9} {'query':<24} {'median':>8} {'p95':>8} {'SQL':>4}")
    for who, user in people.items():
        client = Client()
        client.force_login(user)
        for query in DASHBOARD_QUERIES:
            url = f"/equipe/tableau/{participation.pk}/{query}"
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            print(
                f"{who:<9} {query or 'default':<24} {statistics.median(times):>6.0f} ms "
                f"{percentile(times, 0.95):>6.0f} ms {len(captured):>4}",
                flush=True,
            )
            if not args.explain:
                continue
            for entry in captured.captured_queries:
                sql = entry["sql"]
                if not sql.lstrip().upper().startswith("SELECT") or not any(
                    t in sql for t in WATCHED
                ):
                    continue
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                total = float(re.search(r"Execution Time: ([\d.]+)", plan).group(1))
                problems = re.findall(r"Sort Method: external[^\n]*", plan) + [
                    f"Seq Scan on {table}"
                    for table in WATCHED
                    if re.search(rf"Seq Scan on {table}\b", plan)
                ]
                if problems or total > 50:
                    findings.append((who, query or "default", total, problems, sql, plan))
    if args.explain:
        print(f"\nEXPLAIN ANALYZE: {len(findings)} queries slower than 50 ms or with a problem")
        for who, query, total, problems, sql, plan in findings:
            print(f"\n--- {who} {query}: {total:.1f} ms {problems}\n{sql[:600]}\n{plan}")


if __name__ == "__main__":
    main()
