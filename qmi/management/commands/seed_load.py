"""A load data set: one edition with N submitted applications, for benchmarks.

    python manage.py seed_load --applications 10000

Creates an edition (QMI90 unless --edition), its communes and their teams
(10 reviewers and a manager each), a closed call whose selections are
finalised (ready to publish) with N submitted applications (one organisation
and one member each, aimed at one or two communes, screened, reviewed about
three times, decided), and the next edition's open call, closing in 20 hours, with the drafts
(a reminder is due for each). Bulk inserts, by chunks, in constant memory.
Every account's password is ``qmi-load-2025``; staff e-mails are
``manager.load<commune>@qmi.example`` and ``reviewer<k>.load<commune>@qmi.example``,
the metropolis admin's ``admin.load@qmi.example``, and the owner of the i-th
application (from 0) ``candidate<i>@load.example``.
"""

import datetime
import random
import time

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from applications.models import (
    Application,
    ApplicationTarget,
    Organisation,
    OrganisationMembership,
    Review,
    ReviewScore,
)
from applications.services.scores import refresh_scores
from calls.models import Call, Challenge, Criterion, Edition, Participation
from communes.models import Commune, TeamMembership

PASSWORD = "qmi-load-2025"  # noqa: S105 - load data, like the demo logins
REVIEWERS_PER_COMMUNE = 10
CHUNK = 2000
PARAGRAPH = (
    "Le projet déploie dans le quartier un service testé avec les habitants, "
    "mesuré chaque trimestre et ajusté avec l'équipe municipale. "
)

Eligibility = ApplicationTarget.Eligibility
Decision = ApplicationTarget.Decision


class Command(BaseCommand):
    help = "Load data for benchmarks: an edition with N submitted applications (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=1000)
        parser.add_argument("--drafts", type=int, default=None, help="default: N / 10")
        parser.add_argument("--communes", type=int, default=3)
        parser.add_argument("--reviews", type=int, default=3, help="reviews per commune row")
        parser.add_argument("--edition", type=int, default=90, help="edition number")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--force", action="store_true", help="run with DEBUG off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_load writes test data: run it with DEBUG=1 or --force.")
        number = options["edition"]
        if Edition.objects.filter(number__in=[number, number + 1]).exists():
            raise CommandError(
                f"Edition {number} or {number + 1} exists already: "
                "use another --edition or a fresh database."
            )
        self.rng = random.Random(options["seed"])
        self.password = make_password(PASSWORD)
        started = time.perf_counter()
        with transaction.atomic():
            self._setup(number, options["communes"])
        self.stdout.write(f"edition QMI{number}: {len(self.participations)} communes")

        n = options["applications"]
        done = 0
        while done < n:
            size = min(CHUNK, n - done)
            with transaction.atomic():
                self._submitted_chunk(done, size, options["reviews"])
            done += size
            self.stdout.write(
                f"  {done} / {n} applications ({time.perf_counter() - started:.0f} s)"
            )
        with transaction.atomic():
            self._decide()
        drafts = n // 10 if options["drafts"] is None else options["drafts"]
        done = 0
        while done < drafts:
            size = min(CHUNK, drafts - done)
            with transaction.atomic():
                self._draft_chunk(n + done, size)
            done += size
        Edition.objects.filter(pk=self.edition.pk).update(last_application_number=n)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"{n} submitted applications, {self.review_total} reviews, {drafts} drafts "
                f"in {time.perf_counter() - started:.0f} s (password {PASSWORD})"
            )
        )

    # -- structure -----------------------------------------------------------------

    def _user(self, email, name, **fields):
        return User(
            email=email, full_name=name, password=self.password, preferred_language="fr", **fields
        )

    def _setup(self, number, communes):
        now = timezone.now()
        self.edition = Edition.objects.create(
            number=number,
            code=f"QMI{number}",
            name=f"Édition de charge {number}",
            slug=f"qmi{number}",
            starts_on=now.date(),
        )
        self.closed_call = Call.objects.create(
            edition=self.edition,
            title=f"Appel de charge QMI{number}",
            slug=f"charge-qmi{number}",
            opens_at=now - datetime.timedelta(days=60),
            closes_at=now - datetime.timedelta(days=10),
            published_at=now - datetime.timedelta(days=61),
            hide_reviews_until_submitted=True,
        )
        # One participation per edition and commune: the open call is the next edition's.
        self.open_edition = Edition.objects.create(
            number=number + 1,
            code=f"QMI{number + 1}",
            name=f"Édition de charge {number + 1}",
            slug=f"qmi{number + 1}",
            starts_on=now.date(),
        )
        self.open_call = Call.objects.create(
            edition=self.open_edition,
            title=f"Appel ouvert de charge QMI{number}",
            slug=f"charge-ouvert-qmi{number}",
            opens_at=now - datetime.timedelta(days=30),
            closes_at=now + datetime.timedelta(hours=20),
            published_at=now - datetime.timedelta(days=31),
        )
        self.criteria = [
            Criterion.objects.create(call=self.closed_call, name=name, weight=weight, order=i)
            for i, (name, weight) in enumerate(
                [("Innovation", 3), ("Impact", 2), ("Faisabilité", 1)]
            )
        ]
        self.participations, self.open_participations = [], []
        self.reviewers, self.challenges = {}, {}
        staff = []
        for index in range(communes):
            slug = f"load{number}-{index + 1}"
            commune = Commune.objects.create(
                name=f"Commune de charge {index + 1}",
                slug=slug,
                insee_code=f"9{number:02d}{index:02d}"[:5],
                department="Hauts-de-Seine",
            )
            for call, into in ((self.closed_call, self.participations), (self.open_call, None)):
                participation = Participation.objects.create(
                    edition=call.edition,
                    call=call,
                    commune=commune,
                    quarter_name=f"Quartier {index + 1}",
                )
                if into is None:
                    self.open_participations.append(participation)
                    continue
                into.append(participation)
                self.challenges[participation.pk] = Challenge.objects.bulk_create(
                    Challenge(participation=participation, title=f"Défi {k + 1}", order=k)
                    for k in range(3)
                )
            key = f"load{index + 1}"
            manager = self._user(f"manager.{key}@qmi.example", f"Manager {key}")
            reviewers = [
                self._user(f"reviewer{k + 1}.{key}@qmi.example", f"Évaluateur {k + 1} {key}")
                for k in range(REVIEWERS_PER_COMMUNE)
            ]
            staff.append((commune, manager, reviewers))
        admin = self._user("admin.load@qmi.example", "Admin load", is_metropolis_admin=True)
        users = User.objects.bulk_create(
            [admin] + [u for _commune, manager, reviewers in staff for u in (manager, *reviewers)]
        )
        self._verify(users)
        for participation, (commune, manager, reviewers) in zip(
            self.participations, staff, strict=True
        ):
            TeamMembership.objects.bulk_create(
                [TeamMembership(user=manager, commune=commune, role=TeamMembership.Role.MANAGER)]
                + [TeamMembership(user=u, commune=commune) for u in reviewers]
            )
            self.reviewers[participation.pk] = reviewers
        self.review_total = 0

    def _verify(self, users):
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
        )

    def _organisations(self, start, size):
        users = User.objects.bulk_create(
            self._user(f"candidate{start + i}@load.example", f"Candidat {start + i}")
            for i in range(size)
        )
        self._verify(users)
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Société {start + i} {self.rng.choice(['Lab', 'Tech', 'Coop', 'Verte'])}",
                kind=self.rng.choice(Organisation.Kind.values),
                country="FR",
            )
            for i in range(size)
        )
        OrganisationMembership.objects.bulk_create(
            OrganisationMembership(organisation=o, user=u, role=OrganisationMembership.Role.OWNER)
            for o, u in zip(organisations, users, strict=True)
        )
        return organisations, users

    # -- applications --------------------------------------------------------------

    def _submitted_chunk(self, start, size, reviews_per_target):
        rng = self.rng
        now = timezone.now()
        organisations, users = self._organisations(start, size)
        applications = Application.objects.bulk_create(
            Application(
                call=self.closed_call,
                organisation=organisation,
                reference=f"{self.edition.code}-{start + i + 1:06d}",
                state=Application.State.SUBMITTED,
                title=f"Projet {start + i + 1} pour le quartier",
                summary=PARAGRAPH[:200],
                solution=PARAGRAPH * 3,
                impact=PARAGRAPH * 2,
                team=PARAGRAPH,
                maturity=rng.choice(Application.Maturity.values),
                budget_cost=rng.randint(5, 200) * 1000,
                created_by=user,
                accepted_rules_at=now,
                accepted_privacy_at=now,
                submitted_at=now - datetime.timedelta(days=10, minutes=rng.randint(1, 40000)),
            )
            for i, (organisation, user) in enumerate(zip(organisations, users, strict=True))
        )
        targets, links = [], []
        Link = Application.challenges.through
        for application in applications:
            count = 2 if rng.random() < 0.3 and len(self.participations) > 1 else 1
            for participation in rng.sample(self.participations, count):
                roll = rng.random()
                eligibility = (
                    Eligibility.ELIGIBLE
                    if roll < 0.85
                    else Eligibility.INELIGIBLE
                    if roll < 0.9
                    else Eligibility.PENDING
                )
                targets.append(
                    ApplicationTarget(
                        application=application,
                        participation=participation,
                        submitted=True,
                        application_reference=application.reference,
                        experiment_what=PARAGRAPH,
                        eligibility=eligibility,
                        eligibility_reason="Hors périmètre du quartier."
                        if eligibility == Eligibility.INELIGIBLE
                        else "",
                        screened_at=now if eligibility != Eligibility.PENDING else None,
                    )
                )
                challenge = rng.choice(self.challenges[participation.pk])
                links.append(Link(application_id=application.pk, challenge_id=challenge.pk))
        targets = ApplicationTarget.objects.bulk_create(targets)
        Link.objects.bulk_create(links, ignore_conflicts=True)
        reviews = []
        for target in targets:
            if target.eligibility == Eligibility.INELIGIBLE:
                continue
            for reviewer in rng.sample(self.reviewers[target.participation_id], reviews_per_target):
                done = rng.random() < 0.8
                reviews.append(
                    Review(
                        target=target,
                        reviewer=reviewer,
                        state=Review.State.SUBMITTED if done else Review.State.DRAFT,
                        submitted_at=now if done else None,
                        recommendation=rng.choice(Review.Recommendation.values) if done else "",
                        comment="Projet solide, à confirmer sur le terrain." if done else "",
                    )
                )
        reviews = Review.objects.bulk_create(reviews, batch_size=5000)
        self.review_total += len(reviews)
        ReviewScore.objects.bulk_create(
            (
                ReviewScore(review=review, criterion=criterion, score=rng.randint(0, 5))
                for review in reviews
                for criterion in self.criteria
            ),
            batch_size=5000,
        )
        refresh_scores([t.pk for t in targets])

    def _decide(self):
        """The best rows of each commune selected (6), the next two waiting; finalised."""
        now = timezone.now()
        for participation in self.participations:
            best = list(
                ApplicationTarget.objects.filter(
                    participation=participation,
                    eligibility=Eligibility.ELIGIBLE,
                    score__isnull=False,
                ).order_by("-score", "pk")[:8]
            )
            for slot, target in enumerate(best[:6], start=1):
                target.decision, target.selection_slot = Decision.SELECTED, slot
            for target in best[6:]:
                target.decision = Decision.WAITING
            for target in best:
                target.decided_at = now
                target.decision_motivation = "Projet retenu par le jury de la commune."
            ApplicationTarget.objects.bulk_update(
                best, ["decision", "selection_slot", "decided_at", "decision_motivation"]
            )
            if len(best) >= participation.quota_min:
                participation.selection_finalised_at = now
                participation.save(update_fields=["selection_finalised_at"])

    def _draft_chunk(self, start, size):
        organisations, users = self._organisations(start, size)
        applications = Application.objects.bulk_create(
            Application(
                call=self.open_call,
                organisation=organisation,
                title=f"Brouillon {start + i + 1}",
                summary=PARAGRAPH[:200],
                created_by=user,
            )
            for i, (organisation, user) in enumerate(zip(organisations, users, strict=True))
        )
        ApplicationTarget.objects.bulk_create(
            ApplicationTarget(
                application=application, participation=self.rng.choice(self.open_participations)
            )
            for application in applications
        )
