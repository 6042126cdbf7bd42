# ruff: noqa: S603, S310, E501 - a local benchmark runner: fixed commands, local URLs
"""One command for the figures of issue 16, against real processes.

    python bench/run.py                      # on the data already loaded
    python bench/run.py --seed 10000         # load 10,000 applications first (fresh DB)

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL; defaults below) and locust
(`pip install -r bench/requirements.txt`, or LOCUST=/path/to/locust). Starts
gunicorn (sync workers, 3 as in the Dockerfile or --workers, 60 s timeout, DEBUG off) and a
Celery worker, runs locust headless, runs the background jobs in a worker
process, and prints each figure next to its target. Load runs are short on
purpose (the machine may be shared): read figures as orders of magnitude.
"""

import argparse
import csv
import os
import platform
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
BIN = ROOT / ".venv" / "bin"
ENV = {
    **os.environ,
    "DATABASE_URL": os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qmi_scale_bench"
    ),
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/4"),
    "DEBUG": "0",
    "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-0123456789"),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "EMAIL_URL": os.environ.get("EMAIL_URL", "dummy://"),
    "SITE_URL": "https://127.0.0.1:8765",
    "SECURE_SSL_REDIRECT": "0",
    # The load data set's staff have no second factor: pages, not the MFA flow, are measured.
    "QMI_MFA_REQUIRED": "0",
    "DJANGO_SETTINGS_MODULE": "qmi.settings",
    "PYTHONPATH": str(ROOT),
}
PORT, ONEVIEW_PORT = 8765, 8766


def manage(*args, capture=False, env=None):
    command = [PYTHON, "manage.py", *args]
    if capture:
        return subprocess.run(
            command, cwd=ROOT, env=env or ENV, check=True, capture_output=True, text=True
        ).stdout
    subprocess.run(command, cwd=ROOT, env=env or ENV, check=True)


def start(command, log, env=None):
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env or ENV,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process):
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wait_for(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(
                urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"}), timeout=2
            )
            return
        except Exception:  # noqa: BLE001
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def locust_binary():
    return os.environ.get("LOCUST") or shutil.which("locust") or str(BIN / "locust")


def locust(host, users, seconds, classes, out, extra_env=None):
    binary = locust_binary()
    prefix = Path(out) / f"locust-{'-'.join(classes)}-{host.rsplit(':', 1)[1]}"
    subprocess.run(
        [
            binary,
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            *classes,
        ],
        cwd=ROOT,
        env={**ENV, **(extra_env or {})},
        check=False,
        capture_output=True,
    )
    with open(f"{prefix}_stats.csv") as handle:
        return list(csv.DictReader(handle))


def bench_context():
    """Ids the load profile needs, read from the loaded data."""
    script = (
        "from calls.models import Participation, Call\n"
        "from applications.models import ApplicationTarget, Application\n"
        "p = Participation.objects.filter(call__slug__startswith='charge-qmi').order_by('pk').first()\n"
        "t = list(ApplicationTarget.objects.filter(participation=p).values_list('pk', flat=True)[:200:10])\n"
        "o = Call.objects.filter(slug__startswith='charge-ouvert').first()\n"
        "n = Application.objects.filter(call=p.call, state='submitted').count()\n"
        "print(p.pk, ','.join(map(str, t)), o.slug, n, p.targets.count(), p.call_id)\n"
    )
    output = manage("shell", "-c", script, capture=True).strip().splitlines()[-1]
    participation, targets, slug, size, rows, call = output.split()
    return participation, targets, slug, int(size), int(rows), call


SESSIONS = r"""
import json
from accounts.models import User
from bench.sessions import logged_in_session
emails = ["manager.load1@qmi.example", "reviewer1.load1@qmi.example",
          "reviewer2.load1@qmi.example", "admin.load@qmi.example"]
emails += [f"candidate{i}@load.example" for i in range(50)]
users = User.objects.filter(email__in=emails)
print("JSON" + json.dumps({user.email: logged_in_session(user) for user in users}))
"""

JOBS = r"""
import resource, time, json
from django.utils import timezone
from accounts.models import User
from applications.models import StaffJob
from applications.services.exports import run_export
from calls.models import Participation
from notifications.services import scheduling
manager = User.objects.get(email="manager.load1@qmi.example")
admin, _ = User.objects.get_or_create(email="admin.bench@qmi.example", defaults={"is_metropolis_admin": True})
p = Participation.objects.filter(call__slug__startswith="charge-qmi").order_by("pk").first()
out = {}
for name, user, participation, fmt in [
    ("commune CSV export", manager, p, "csv"),
    ("commune XLSX export", manager, p, "xlsx"),
    ("whole-call XLSX export", admin, None, "xlsx"),
]:
    job = StaffJob.objects.create(kind="export", call=p.call, participation=participation, file_format=fmt, requested_by=user)
    t = time.perf_counter(); run_export(job.pk); job.refresh_from_db()
    out[name] = (time.perf_counter() - t, job.total, job.file.size)
scheduling.queue_due_notifications()  # warm-up: URL conf, content types
t = time.perf_counter(); counts = scheduling.queue_due_notifications()
out["send_due_reminders, nothing due"] = (time.perf_counter() - t, sum(counts.values()), 0)
out["peak RSS MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("JSON" + json.dumps(out))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, help="load N applications first (fresh database)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--skip-jobs", action="store_true", help="no exports nor reminders")
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn sync workers (3, as in the Dockerfile)"
    )
    parser.add_argument(
        "--logged-in",
        action="store_true",
        help="clients start with a session each, made beforehand: no log-in (password "
        "hashing, about 0.6 s of CPU each) in the run of every page",
    )
    parser.add_argument(
        "--pace",
        type=float,
        default=0,
        help="seconds between two pages of a client in the run of every page (0: at once, "
        "saturation; 5: people reading pages); the throughput runs always saturate",
    )
    args = parser.parse_args()
    out = tempfile.mkdtemp(prefix="qmi-bench-")
    log = open(Path(out) / "servers.log", "w")  # noqa: SIM115
    print(
        f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
        f"load average {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)"
    )
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    if args.seed:
        started = time.perf_counter()
        manage("seed_load", "--applications", str(args.seed), "--force")
        print(f"seed_load --applications {args.seed}: {time.perf_counter() - started:.0f} s")
    participation, targets, slug, size, rows, call = bench_context()
    print(f"data: {size} submitted applications; the measured commune dashboard has {rows} rows")
    web = worker = oneview = None
    try:
        web = start(
            [
                str(BIN / "gunicorn"),
                "qmi.wsgi",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{PORT}",
                "--timeout",
                "60",
            ],
            log,
        )
        worker = start(
            [str(BIN / "celery"), "-A", "qmi", "worker", "-c", "2", "-l", "warning"], log
        )
        oneview = start(
            [
                str(BIN / "gunicorn"),
                "bench.oneview:application",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{ONEVIEW_PORT}",
            ],
            log,
        )
        wait_for(f"http://127.0.0.1:{PORT}/healthz")
        wait_for(f"http://127.0.0.1:{ONEVIEW_PORT}/")
        env = {
            "QMI_BENCH_PARTICIPATION": participation,
            "QMI_BENCH_TARGETS": targets,
            "QMI_BENCH_CALL_SLUG": slug,
            "QMI_BENCH_CALL_ID": call,
            "QMI_BENCH_APPLICATIONS": str(min(size, 50 if args.logged_in else 1000)),
        }
        if args.logged_in:
            env["QMI_BENCH_SESSIONS"] = manage("shell", "-c", SESSIONS, capture=True).split(
                "JSON", 1
            )[1]
        pace = f"a page every {args.pace:g} s or so" if args.pace else "no pause"
        print(
            f"\n{args.users} concurrent clients ({pace}), {args.seconds} s per run (locust headless)"
        )
        print(f"{'page':<42} {'requests':>8} {'failed':>6} {'median':>7} {'p95':>7} {'target':>14}")
        everyone = ["Staff", "Visitor", "Admin", "Candidate"]
        # Not counted: each worker's first requests compile templates and fill caches.
        locust(f"http://127.0.0.1:{PORT}", args.users, 10, everyone, out, env)
        rows = locust(
            f"http://127.0.0.1:{PORT}",
            args.users,
            args.seconds,
            everyone,
            out,
            {**env, "QMI_BENCH_PACE": str(args.pace)},
        )
        for row in rows:
            if row["Name"] == "Aggregated":
                continue
            # Logging in hashes the password on purpose: a step, not a page.
            target = "(no target)" if row["Name"] == "login" else "p95 <= 200 ms"
            verdict = (
                "" if row["Name"] == "login" else "ok" if float(row["95%"]) <= 200 else "MISSED"
            )
            print(
                f"{row['Name'][:42]:<42} {row['Request Count']:>8} {row['Failure Count']:>6} "
                f"{float(row['Median Response Time']):>5.0f} ms "
                f"{row['95%']:>5} ms {target:>14} {verdict}"
            )
        public = locust(f"http://127.0.0.1:{PORT}", args.users, args.seconds, ["Visitor"], out, env)
        yardstick = locust(
            f"http://127.0.0.1:{ONEVIEW_PORT}",
            args.users,
            args.seconds,
            ["Visitor"],
            out,
            {**env, "QMI_BENCH_CALL_SLUG": ""},
        )
        rps = float(next(r for r in public if r["Name"] == "Aggregated")["Requests/s"])
        one = float(next(r for r in yardstick if r["Name"] == "Aggregated")["Requests/s"])
        print(
            f"\npublic pages: {rps:.0f} req/s against {one:.0f} req/s for a one-view Django app "
            f"= {100 * rps / max(one, 1):.0f} % (target >= 30 %)"
        )
    finally:
        for process in (web, worker, oneview):
            stop(process)
    if args.skip_jobs:
        print(f"\nlocust CSV files and server logs: {out}")
        return
    print("\nbackground jobs (run as the worker runs them)")
    result = manage("shell", "-c", JOBS, capture=True)
    import json

    figures = json.loads(result.split("JSON", 1)[1])
    for name, value in figures.items():
        if name == "peak RSS MB":
            print(f"{'peak memory of the job process':<42} {value:>8.0f} MB   (target < 200 MB)")
        elif name.startswith("send_due"):
            print(f"{name:<42} {value[0]:>8.2f} s    (target < 5 s)")
        else:
            print(f"{name:<42} {value[0]:>8.1f} s    {value[1]} rows, {value[2] // 1024} KB")
    print(f"\nlocust CSV files and server logs: {out}")


if __name__ == "__main__":
    main()
