"""pretalx's review dashboard at N proposals, for the side-by-side of issue 16 item 2.

Seeds one pretalx event with --proposals submitted proposals (one speaker each, with
title, abstract and description), an active review phase, two score categories and
about three scored reviews per proposal from ten reviewers; then requests the review
dashboard (/orga/event/<slug>/reviews/) in-process through Django's test client (no
HTTP, DEBUG off) as the organiser and as one reviewer, --repeat times each, and prints
the median and 95th percentile in ms, the SQL query count and time, and the rows rendered.

It runs under pretalx's own venv and database, never QMI's. One-time setup (pretalx
2025.2.2 is the newest release for Python 3.11; 2026.x needs Python >= 3.12):

    python3 -m venv /work/pretalx-venv
    /work/pretalx-venv/bin/pip install 'pretalx==2025.2.2' 'psycopg[binary]'
    createdb -h 127.0.0.1 -U postgres pretalx_bench
    mkdir -p /work/pretalx-data && cat > /work/pretalx-data/pretalx.cfg <<'EOF'
    [filesystem]
    data = /work/pretalx-data
    static = /work/pretalx-data/static

    [site]
    secret = pretalx-bench-not-secret
    debug = False
    url = http://localhost

    [database]
    backend = postgresql
    name = pretalx_bench
    user = postgres
    host = 127.0.0.1
    port = 5432
    EOF
    export PRETALX_CONFIG_FILE=/work/pretalx-data/pretalx.cfg
    /work/pretalx-venv/bin/python -m pretalx migrate
    /work/pretalx-venv/bin/python -m pretalx rebuild   # static manifest; needs npm

No [redis] section: local-memory cache and database sessions, celery tasks run eagerly.
Then, from the repository root:

    /work/pretalx-venv/bin/python bench/pretalx_side_by_side.py --proposals 5000 --repeat 10

The event (slug bench<N>) is reused when it already has N proposals; --force reseeds it.
pretalx paginates this table: 250 rows by default, at most [site] max_pagination_limit
(250); --page-size N stores N as the users' table preference (raising the limit in-process)
to show how the page grows with the rows rendered.
"""

import argparse
import os
import random
import re
import statistics
import time
from datetime import timedelta

os.environ.setdefault("PRETALX_CONFIG_FILE", "/work/pretalx-data/pretalx.cfg")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretalx.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils.timezone import now  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402
from pretalx.event.models import Event, Organiser, Team  # noqa: E402
from pretalx.person.models import SpeakerProfile, User  # noqa: E402
from pretalx.person.models.preferences import UserEventPreferences  # noqa: E402
from pretalx.submission.models import (  # noqa: E402
    Review,
    ReviewScore,
    ReviewScoreCategory,
    Submission,
    SubmissionStates,
)
from pretalx.submission.models.submission import SpeakerRole  # noqa: E402

REVIEWERS = 10
REVIEWS_PER_PROPOSAL = 3
BATCH = 1000
WORDS = [
    "open", "data", "civic", "software", "participation", "budget", "commune", "audit",
    "sensor", "mobility", "energy", "school", "library", "water", "housing", "archive",
    "map", "survey", "citizen", "network", "climate", "health", "culture", "market",
    "repair", "garden", "transport", "privacy", "cooperative", "transparency",
]  # fmt: skip


def text(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def codes(model, count, length):
    """`count` distinct random codes in pretalx's own alphabet (cf. GenerateCode)."""
    out = set()
    while len(out) < count:
        out.add(model.generate_code(length=length))
    return list(out)


def bench_users(slug):
    return User.objects.filter(email__endswith=f"@{slug}.bench.invalid")


def seeded_event(slug, proposals):
    event = Event.objects.filter(slug=slug).first()
    if event and Submission.all_objects.filter(event=event).count() == proposals:
        return event
    return None


def drop(slug):
    organiser = Organiser.objects.filter(slug=f"{slug}org").first()
    if organiser:
        organiser.shred()
    bench_users(slug).delete()


@transaction.atomic
def seed(slug, proposals, seed_value):
    rng = random.Random(seed_value)
    domain = f"{slug}.bench.invalid"
    unusable = make_password(None)

    orga = User.objects.create_user(email=f"orga@{domain}", name="Bench Organiser")
    reviewers = [
        User.objects.create_user(email=f"reviewer{i}@{domain}", name=f"Reviewer {i}")
        for i in range(REVIEWERS)
    ]
    organiser = Organiser.objects.create(name=f"Bench {slug}", slug=f"{slug}org")
    start = now().date() + timedelta(days=60)
    event = Event.objects.create(  # builds CfP, default type, review phases, one category
        name=f"Bench {proposals}",
        slug=slug,
        organiser=organiser,
        date_from=start,
        date_to=start + timedelta(days=2),
        email=f"orga@{domain}",
        locale_array="en",
        locale="en",
    )
    orga_team = Team.objects.create(
        organiser=organiser,
        name="Organisers",
        all_events=True,
        can_create_events=True,
        can_change_teams=True,
        can_change_organiser_settings=True,
        can_change_event_settings=True,
        can_change_submissions=True,
        is_reviewer=True,
    )
    orga_team.members.add(orga)
    review_team = Team.objects.create(
        organiser=organiser, name="Reviewers", all_events=True, is_reviewer=True
    )
    review_team.members.add(orga, *reviewers)

    with scope(event=event):
        event.cfp.deadline = now() - timedelta(days=7)
        event.cfp.save()
        phase = event.review_phases.order_by("position").first()
        phase.start, phase.is_active = event.cfp.deadline, True
        phase.save()
        event.review_phases.exclude(pk=phase.pk).update(is_active=False)

        first = event.score_categories.get()
        second = ReviewScoreCategory.objects.create(event=event, name="Relevance", weight=1)
        ReviewScore.objects.bulk_create(
            ReviewScore(category=second, value=v, label=label)
            for v, label in enumerate(("Off-topic", "Related", "Central", "Essential"))
        )
        scales = [list(first.scores.all()), list(second.scores.all())]
        weights = [first.weight, second.weight]
        submission_type = event.cfp.default_type

        speakers = User.objects.bulk_create(
            (
                User(
                    email=f"speaker{i}@{domain}",
                    name=f"Speaker {i}",
                    code=code,
                    password=unusable,
                )
                for i, code in enumerate(codes(User, proposals, 8))
            ),
            batch_size=BATCH,
        )
        SpeakerProfile.objects.bulk_create(
            (SpeakerProfile(user=user, event=event, biography=text(rng, 40)) for user in speakers),
            batch_size=BATCH,
        )
        submissions = Submission.objects.bulk_create(
            (
                Submission(
                    event=event,
                    code=code,
                    title=text(rng, 6)[:-1],
                    abstract=text(rng, 50),
                    description=text(rng, 150),
                    submission_type=submission_type,
                    state=SubmissionStates.SUBMITTED,
                    content_locale="en",
                )
                for code in codes(Submission, proposals, 6)
            ),
            batch_size=BATCH,
        )
        SpeakerRole.objects.bulk_create(
            (SpeakerRole(submission=s, user=u) for s, u in zip(submissions, speakers, strict=True)),
            batch_size=BATCH,
        )

        reviews, picks = [], []
        for submission in submissions:
            for user in rng.sample(reviewers, REVIEWS_PER_PROPOSAL):
                chosen = [rng.choice(scale) for scale in scales]
                score = sum(s.value * w for s, w in zip(chosen, weights, strict=True))
                reviews.append(
                    Review(submission=submission, user=user, text=text(rng, 30), score=score)
                )
                picks.append(chosen)
        reviews = Review.objects.bulk_create(reviews, batch_size=BATCH)
        Through = Review.scores.through
        Through.objects.bulk_create(
            (
                Through(review_id=review.pk, reviewscore_id=score.pk)
                for review, chosen in zip(reviews, picks, strict=True)
                for score in chosen
            ),
            batch_size=BATCH * 2,
        )
    return event


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(durations):
    """An execute_wrapper adding each query's wall time (ms) to `durations`."""

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            durations.append((time.perf_counter() - start) * 1000)

    return wrapper


def measure(event, user, repeat, page_size):
    client = Client()
    client.force_login(user)
    url = f"/orga/event/{event.slug}/reviews/"
    UserEventPreferences.objects.filter(user=user, event=event).delete()
    if page_size:
        settings.MAX_PAGINATION_LIMIT = max(settings.MAX_PAGINATION_LIMIT, page_size)
        client.get(url, {"page_size": page_size})  # stored as the table preference
    response = client.get(url)  # warm-up: templates, permission caches
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    html = response.content.decode()
    rows = len(re.findall(r'<tr class="\w+ (?:even|odd)"', html))  # table body rows
    times, queries, sql_times = [], [], []
    for _ in range(repeat):
        sql = []
        with connection.execute_wrapper(timed(sql)):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        queries.append(len(sql))
        sql_times.append(sum(sql))
    UserEventPreferences.objects.filter(user=user, event=event).delete()
    return {
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "queries": max(queries),
        "sql_ms": statistics.median(sql_times),
        "rows": rows,
        "html_kb": len(response.content) / 1024,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--proposals", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--force", action="store_true", help="drop and reseed the event")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--page-size", type=int, default=0, help="rows per page (pretalx default: 250)"
    )
    args = parser.parse_args()
    assert not settings.DEBUG, "set debug = False in pretalx.cfg"
    slug = f"bench{args.proposals}"

    with scopes_disabled():
        event = None if args.force else seeded_event(slug, args.proposals)
        if event:
            print(f"reusing event {slug} ({args.proposals} proposals)")
        else:
            drop(slug)
            started = time.perf_counter()
            event = seed(slug, args.proposals, args.seed)
            print(f"seeded event {slug} in {time.perf_counter() - started:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        event = Event.objects.get(pk=event.pk)
        reviews = Review.objects.filter(submission__event=event).count()
        print(f"{args.proposals} proposals, {reviews} reviews, {REVIEWERS} reviewers")
        users = {
            "organiser": bench_users(slug).get(email__startswith="orga@"),
            "reviewer": bench_users(slug).get(email__startswith="reviewer0@"),
        }

    with open("/proc/loadavg") as f:
        print(f"load average before: {f.read().split()[:3]}")
    print(f"GET /orga/event/{slug}/reviews/ x{args.repeat} (test client, DEBUG off)")
    for role, user in users.items():
        r = measure(event, user, args.repeat, args.page_size)
        print(
            f"  {role:9}  median {r['median_ms']:7.0f} ms  p95 {r['p95_ms']:7.0f} ms  "
            f"{r['queries']:3} queries ({r['sql_ms']:.0f} ms in SQL)  "
            f"{r['rows']} rows rendered  {r['html_kb']:.0f} KiB"
        )
    with open("/proc/loadavg") as f:
        print(f"load average after: {f.read().split()[:3]}")


if __name__ == "__main__":
    main()
