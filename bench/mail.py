# ruff: noqa: S603, E501 - a local benchmark runner: fixed commands, local URLs
"""Mail at scale (issue 16, item 7): N decision mails through two Celery workers.

    python bench/mail.py --messages 20000

Takes N pending decision messages from the outbox (the ones publishing the
results of the load data set queued; if there are fewer, it queues the load
call's decision messages first, without sending them), starts an SMTP sink
(aiosmtpd) on loopback and two Celery workers (two processes each, as
docker-compose.yml runs them; --concurrency) sending to
it, hands the N messages to the workers in batches of 200 as the publication
does, and counts what arrives: each message exactly once (by its Message-ID,
which is the same at every attempt), every row "sent" after one attempt.
Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL; the Redis database's
Celery queue is emptied first).
"""

import argparse
import json
import os
import re
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import BIN, ENV, manage, start, stop  # noqa: E402

PREPARE = r"""
import json, os
from unittest import mock
from applications.services.results import DECISION_KIND, queue_decision_messages
from calls.models import Call
from notifications.models import OutboxMessage
n = int(os.environ["MAIL_N"])
pending = OutboxMessage.objects.filter(kind=DECISION_KIND, state="pending")
if pending.count() < n:
    call = Call.objects.filter(slug__startswith="charge-qmi").order_by("pk").first()
    with mock.patch("notifications.services.outbox.dispatch_many"):
        queue_decision_messages(call)
ids = list(pending.order_by("pk").values_list("pk", flat=True)[:n])
print("JSON" + json.dumps(ids))
"""

DISPATCH = r"""
import json, os
from notifications.services.outbox import dispatch_many
ids = json.loads(open(os.environ["MAIL_IDS"]).read())
for start in range(0, len(ids), 200):
    assert dispatch_many(ids[start:start + 200])
"""

COUNT = r"""
import json, os
from django.db.models import Count
from notifications.models import OutboxMessage
ids = json.loads(open(os.environ["MAIL_IDS"]).read())
rows = OutboxMessage.objects.filter(pk__in=ids)
print("JSON" + json.dumps({
    "states": dict(rows.values_list("state").annotate(n=Count("pk"))),
    "attempts": dict(rows.values_list("attempts").annotate(n=Count("pk"))),
}))
"""


class Sink:
    """aiosmtpd handler: counts Message-IDs and recipients."""

    def __init__(self):
        self.ids = Counter()
        self.count = 0
        self.last = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        match = re.search(rb"^Message-ID:\s*(<[^>]+>)", envelope.original_content, re.M | re.I)
        with self.lock:
            self.ids[match.group(1).decode() if match else None] += 1
            self.count += 1
            self.last = time.perf_counter()
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--concurrency", type=int, default=2, help="processes per worker (docker-compose.yml: 2)"
    )
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()
    import redis
    from aiosmtpd.controller import Controller

    out = Path(tempfile.mkdtemp(prefix="qmi-mail-"))
    env = {**ENV, "MAIL_N": str(args.messages)}
    started = time.perf_counter()
    ids = json.loads(manage("shell", "-c", PREPARE, capture=True, env=env).split("JSON", 1)[1])
    print(f"{len(ids)} pending decision messages ready in {time.perf_counter() - started:.0f} s")
    if len(ids) < args.messages:
        raise SystemExit(f"only {len(ids)} decision messages: load a larger data set")
    (out / "ids.json").write_text(json.dumps(ids))
    redis.Redis.from_url(ENV["REDIS_URL"]).delete("celery")
    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}", "MAIL_IDS": str(out / "ids.json")}
    log = open(out / "workers.log", "w")  # noqa: SIM115
    workers = []
    try:
        for k in range(args.workers):
            workers.append(
                start(
                    [
                        str(BIN / "celery"),
                        "-A",
                        "qmi",
                        "worker",
                        "-c",
                        str(args.concurrency),
                        "-n",
                        f"mail{k}@%h",
                        "-l",
                        "warning",
                        "--without-gossip",
                        "--without-mingle",
                    ],
                    log,
                    env=env,
                )
            )
        time.sleep(5)  # the workers connect to the broker
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        manage("shell", "-c", DISPATCH, capture=True, env=env)
        dispatched = time.perf_counter() - t0
        deadline = t0 + args.timeout
        while sink.count < len(ids) and time.perf_counter() < deadline:
            time.sleep(1)
        elapsed = (sink.last or time.perf_counter()) - t0
        time.sleep(10)  # let a duplicate arrive before counting
    finally:
        for worker in workers:
            stop(worker)
        controller.stop()
    counted = json.loads(manage("shell", "-c", COUNT, capture=True, env=env).split("JSON", 1)[1])
    expected = {f"qmi.{pk}." for pk in ids}
    arrived = {m.split(".", 2)[0][1:] + "." + m.split(".", 2)[1] + "." for m in sink.ids if m}
    duplicates = sum(1 for n in sink.ids.values() if n > 1)
    print(
        f"{sink.count} mails at the sink from {args.workers} workers "
        f"(concurrency {args.concurrency}) in {elapsed:.1f} s "
        f"({sink.count / max(elapsed, 0.001):.0f}/s; handing them to the broker took {dispatched:.1f} s); "
        f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (target: 20,000 in < 120 s)"
    )
    checks = {
        "every message arrived": arrived == expected,
        "each exactly once (Message-IDs)": duplicates == 0 and sink.count == len(ids),
        "every row sent after one attempt": counted["states"] == {"sent": len(ids)}
        and counted["attempts"] == {"1": len(ids)},
    }
    print(f"database afterwards: {counted}")
    for name, ok in checks.items():
        print(f"  {'ok' if ok else 'FAILED':<6} {name}")
    print(f"files: {out}")
    sys.exit(0 if all(checks.values()) else 1)


if __name__ == "__main__":
    main()
