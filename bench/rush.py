# ruff: noqa: S603, E501 - a local benchmark runner: fixed commands, local URLs
"""The deadline rush (issue 16, item 6): N candidates save and submit at once.

    python bench/rush.py --candidates 200 --minutes 10

Creates a call closing in --minutes with N complete drafts (one organisation and
one owner each; the rules and the privacy policy not yet accepted), starts
gunicorn (sync workers, 3 as in the Dockerfile or --workers, 60 s timeout, DEBUG off; no
Celery worker: the receipts are counted in the outbox), and runs locust headless with N concurrent candidates: each logs
in, opens the project step, autosaves three times, saves, opens the last step
and submits twice at once (a double click), then reads the receipt, with --pace
seconds between two actions (0.5 by default: a burst; 10: people typing). Afterwards
the database is counted: every application submitted exactly once (one
reference each, references 1..N with no gap or duplicate, one revision and one
receipt message per submission), no request answered 5xx. Needs PostgreSQL and
Redis (DATABASE_URL, REDIS_URL) and locust (bench/requirements.txt).
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, ENV, ROOT, locust_binary, manage, start, stop, wait_for  # noqa: E402

PORT = 8767

SETUP = r"""
import datetime, json, os
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from accounts.models import User
from applications.models import (Application, ApplicationTarget, Attachment, Organisation,
                                 OrganisationMembership)
from calls.models import Call, Challenge, Edition, Participation
from communes.models import Commune

N, MINUTES = int(os.environ["RUSH_N"]), float(os.environ["RUSH_MINUTES"])
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
now = timezone.now()
with transaction.atomic():
    number = (Edition.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    edition = Edition.objects.create(number=number, code=f"RUSH{number}", name=f"Rush {number}",
                                     slug=f"rush-{number}", starts_on=now.date())
    call = Call.objects.create(edition=edition, title=f"Appel rush {number}", slug=f"rush-{number}",
                               opens_at=now - datetime.timedelta(days=30),
                               closes_at=now + datetime.timedelta(minutes=MINUTES),
                               published_at=now - datetime.timedelta(days=31))
    commune = Commune.objects.order_by("pk").first() or Commune.objects.create(
        name="Commune rush", slug=f"rush-{number}", insee_code="92999", department="Hauts-de-Seine")
    participation = Participation.objects.create(edition=edition, call=call, commune=commune,
                                                 quarter_name="Quartier rush")
    Challenge.objects.create(participation=participation, title="Défi rush", order=0)
    password = make_password("qmi-load-2025")
    users = User.objects.bulk_create(
        User(email=f"rush{number}.{i}@load.example", full_name=f"Candidat rush {i}",
             password=password, preferred_language="fr") for i in range(N))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Rush {number} société {i}", kind="startup", country="FR")
        for i in range(N))
    OrganisationMembership.objects.bulk_create(
        OrganisationMembership(organisation=o, user=u, role="owner")
        for o, u in zip(organisations, users))
    applications = Application.objects.bulk_create(
        Application(call=call, organisation=o, created_by=u, updated_by=u, title=f"Projet rush {i}",
                    summary="Un service de quartier.", solution="Des vélos cargos partagés.",
                    novelty="Une flotte mutualisée.", maturity="prototype",
                    impact="Moins de camionnettes.", impact_measurement="Comptage.",
                    team="Deux fondateurs.", budget_cost=25000, budget_funding="Fonds propres.",
                    budget_ask="Un local.")
        for i, (o, u) in enumerate(zip(organisations, users)))
    ApplicationTarget.objects.bulk_create(
        ApplicationTarget(application=a, participation=participation,
                          experiment_what="Livraisons.", experiment_where="Marché.",
                          experiment_duration_months=12, experiment_ask="Deux places.",
                          experiment_users="Commerçants.") for a in applications)
    for a in applications:
        attachment = Attachment(application=a, kind="pitch_deck", original_name="pitch.pdf",
                                content_type="application/pdf", size=len(PDF), sha256="0" * 64)
        attachment.file.save("pitch.pdf", ContentFile(PDF), save=False)
        attachment.save()
sessions = [None] * N
if os.environ.get("RUSH_LOGGED_IN"):
    # Logged in before the rush, as people are in its last minutes: a session each.
    from bench.sessions import logged_in_session
    sessions = [logged_in_session(u) for u in users]
print("JSON" + json.dumps({"edition": edition.pk, "call": call.pk,
                           "candidates": [[u.email, a.pk, k]
                                          for u, a, k in zip(users, applications, sessions)]}))
"""

COUNT = r"""
import json, os
from django.db.models import Count
from applications.models import Application, ApplicationRevision
from calls.models import Edition
from notifications.models import OutboxMessage
from django.contrib.contenttypes.models import ContentType
edition = Edition.objects.get(pk=int(os.environ["RUSH_EDITION"]))
apps = Application.objects.filter(call__edition=edition)
references = list(apps.exclude(reference="").exclude(reference__isnull=True).values_list("reference", flat=True))
ct = ContentType.objects.get_for_model(Application)
receipts = (OutboxMessage.objects.filter(kind="submission_receipt", content_type=ct,
                                         object_id__in=apps.values("pk"))
            .values("object_id").annotate(n=Count("pk")))
revisions = (ApplicationRevision.objects.filter(application__in=apps)
             .values("application").annotate(n=Count("pk")))
print("JSON" + json.dumps({
    "applications": apps.count(),
    "submitted": apps.filter(state="submitted").count(),
    "drafts": apps.filter(state="draft").count(),
    "references": len(references),
    "distinct references": len(set(references)),
    "counter": edition.last_application_number,
    "numbers": sorted(int(r.rsplit("-", 1)[1]) for r in references),
    "receipts per application": sorted({r["n"] for r in receipts}),
    "applications with a receipt": len(receipts),
    "revisions per application": sorted({r["n"] for r in revisions}),
}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10, help="the call closes in")
    parser.add_argument("--spawn-rate", type=int, default=20, help="candidates arriving per second")
    parser.add_argument("--seconds", type=int, default=240, help="longest run")
    parser.add_argument(
        "--pace",
        type=float,
        default=0.5,
        help="seconds between a candidate's actions (0.5: a burst; 10: people typing)",
    )
    parser.add_argument(
        "--workers", type=int, default=3, help="gunicorn sync workers (3, as in the Dockerfile)"
    )
    parser.add_argument(
        "--logged-in",
        action="store_true",
        help="candidates logged in before the rush (a session each): no log-in in the run",
    )
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="qmi-rush-"))
    # One reverse proxy in front, which reports each candidate's address.
    env = {
        **ENV,
        "RUSH_N": str(args.candidates),
        "RUSH_MINUTES": str(args.minutes),
        "API_NUM_PROXIES": "1",
        "RUSH_LOGGED_IN": "1" if args.logged_in else "",
    }
    print(f"load average {os.getloadavg()[0]:.1f} before the setup")
    manage("migrate", "--noinput", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    started = time.perf_counter()
    setup = json.loads(manage("shell", "-c", SETUP, capture=True, env=env).split("JSON", 1)[1])
    print(f"{args.candidates} complete drafts in {time.perf_counter() - started:.0f} s")
    candidates = out / "candidates.json"
    candidates.write_text(json.dumps(setup["candidates"]))
    log = open(out / "servers.log", "w")  # noqa: SIM115
    web = None
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
                "--access-logfile",
                str(out / "access.log"),
            ],
            log,
            env=env,
        )
        wait_for(f"http://127.0.0.1:{PORT}/healthz")
        load = os.getloadavg()[0]
        started = time.perf_counter()
        prefix = out / "locust"
        import subprocess

        subprocess.run(
            [
                locust_binary(),
                "-f",
                str(ROOT / "bench" / "locustfile_rush.py"),
                "--headless",
                "-u",
                str(args.candidates),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{args.seconds}s",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            cwd=ROOT,
            env={**env, "QMI_RUSH_CANDIDATES": str(candidates), "QMI_RUSH_PACE": str(args.pace)},
            check=False,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        elapsed = time.perf_counter() - started
        print(
            f"rush: {args.candidates} candidates, {args.pace} s between actions, in {elapsed:.0f} s, load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
        )
    finally:
        stop(web)
    import csv

    with open(f"{prefix}_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    print(f"{'request':<36} {'count':>6} {'fail':>5} {'median':>7} {'p95':>7} {'max':>7}")
    for row in rows:
        print(
            f"{row['Name'][:36]:<36} {row['Request Count']:>6} {row['Failure Count']:>5} "
            f"{row['Median Response Time']:>4} ms {row['95%']:>4} ms {float(row['Max Response Time']):>5.0f} ms"
        )
    statuses = {}
    with open(out / "access.log") as handle:
        for line in handle:
            parts = line.split('"')
            if len(parts) > 2:
                status = parts[2].split()[0]
                statuses[status] = statuses.get(status, 0) + 1
    counted = json.loads(
        manage(
            "shell", "-c", COUNT, capture=True, env={**env, "RUSH_EDITION": str(setup["edition"])}
        ).split("JSON", 1)[1]
    )
    numbers = counted.pop("numbers")
    n = args.candidates
    checks = {
        "every application submitted": counted["submitted"] == n and counted["drafts"] == 0,
        "one reference each, no duplicate": counted["references"]
        == counted["distinct references"]
        == n,
        "references 1..N, no gap": numbers == list(range(1, n + 1)) and counted["counter"] == n,
        "one receipt per submission": counted["receipts per application"] == [1]
        and counted["applications with a receipt"] == n,
        "one revision per submission": counted["revisions per application"] == [1],
        "no 5xx (gunicorn access log)": not any(s.startswith("5") for s in statuses),
    }
    print(f"HTTP statuses (gunicorn access log): {dict(sorted(statuses.items()))}")
    print(f"database afterwards: {counted}")
    for name, ok in checks.items():
        print(f"  {'ok' if ok else 'FAILED':<6} {name}")
    aggregated = next(r for r in rows if r["Name"] == "Aggregated")
    saving = [r for r in rows if r["Name"] not in ("Aggregated", "login", "login page")]
    print(
        f"p95 of every request: {aggregated['95%']} ms; of saving and submitting (log-in "
        f"excluded): {max(float(r['95%']) for r in saving):.0f} ms at most (target < 500 ms)"
    )
    print(f"files: {out}")
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
