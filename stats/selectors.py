"""Figures of the programme, read through aggregate queries.

Every function answers with a fixed number of queries whatever the number of
applications (the database counts; Python only arranges the totals).
Public figures (``Scope.public``) count only calls whose deadline has passed
and name only laureates of published results: nothing about an application
that was not selected goes out but counts, and nothing about a person.
"""

import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationTarget, Organisation, Review
from calls.models import Call, Challenge, Edition, Participation, Tag
from calls.selectors import laureates
from experimentations.models import Outcome, Pilot
from experimentations.selectors.pilots import pilots_deployed
from experimentations.selectors.surveys import satisfaction_for_edition
from stats.charts import Percent, bar_chart, line_chart, table

PARIS = ZoneInfo("Europe/Paris")


def folded(text):
    """A sort key that reads "Îlots" as "ilots", whatever the database collation."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _by_count_then_label(rows):
    return sorted(rows, key=lambda row: (-row[1], folded(row[0])))


SUBMITTED = Application.State.SUBMITTED
Decision = ApplicationTarget.Decision
Eligibility = ApplicationTarget.Eligibility


@dataclass(frozen=True)
class Scope:
    """What a dashboard counts: an edition, optionally one call and one commune."""

    edition: Edition
    call: Call | None = None
    commune: object | None = None
    public: bool = False

    @property
    def now(self):
        return timezone.now()


def _calls(scope):
    calls = Call.objects.filter(edition=scope.edition)
    if scope.call is not None:
        calls = calls.filter(pk=scope.call.pk)
    if scope.public:
        calls = calls.filter(published_at__isnull=False, closes_at__lte=scope.now)
    return calls


def _targets_of_application(scope):
    targets = ApplicationTarget.objects.filter(application=OuterRef("pk"))
    if scope.commune is not None:
        targets = targets.filter(participation__commune=scope.commune)
    return targets


def _pilots_of_application(scope):
    pilots = Pilot.objects.public().filter(application=OuterRef("pk"))
    if scope.commune is not None:
        pilots = pilots.filter(participation__commune=scope.commune)
    return pilots


def applications(scope):
    apps = Application.objects.filter(call__in=_calls(scope))
    if scope.commune is not None:
        apps = apps.filter(Exists(_targets_of_application(scope)))
    return apps


def _participations(scope):
    participations = Participation.objects.filter(edition=scope.edition)
    if scope.call is not None:
        participations = participations.filter(call=scope.call)
    if scope.commune is not None:
        participations = participations.filter(commune=scope.commune)
    return participations


# Funnel.


def funnel_counts(scope):
    """Accounts created while the calls were open, then applications stage by stage.

    Each stage counts applications once, whatever the number of communes they
    target: started (any state), submitted (not withdrawn), eligible for at
    least one commune, reviewed (one submitted review at least), selected, with
    a pilot running now, with a pilot completed, continued by a commune after
    its pilot (the pilot's outcome says so).
    """
    targets = _targets_of_application(scope)
    pilots = _pilots_of_application(scope)
    apps = applications(scope).annotate(
        is_eligible=Exists(targets.filter(eligibility=Eligibility.ELIGIBLE)),
        is_reviewed=Exists(targets.filter(reviews__state=Review.State.SUBMITTED)),
        is_selected=Exists(targets.filter(decision=Decision.SELECTED)),
        is_running=Exists(pilots.filter(state=Pilot.State.RUNNING)),
        is_completed=Exists(pilots.filter(state=Pilot.State.COMPLETED)),
        is_continued=Exists(pilots.filter(outcome__continued=Outcome.Continued.YES)),
    )
    submitted = Q(state=SUBMITTED)
    counts = apps.aggregate(
        started=Count("pk"),
        submitted=Count("pk", filter=submitted),
        eligible=Count("pk", filter=submitted & Q(is_eligible=True)),
        reviewed=Count("pk", filter=submitted & Q(is_reviewed=True)),
        selected=Count("pk", filter=submitted & Q(is_selected=True)),
        pilots_running=Count("pk", filter=submitted & Q(is_running=True)),
        pilots_completed=Count("pk", filter=submitted & Q(is_completed=True)),
        continued=Count("pk", filter=submitted & Q(is_continued=True)),
    )
    counts["accounts"] = None
    if scope.commune is None:
        window = _calls(scope).aggregate(start=Min("opens_at"), end=Max("closes_at"))
        if window["start"] is not None:
            counts["accounts"] = (
                get_user_model()
                .objects.filter(date_joined__gte=window["start"], date_joined__lt=window["end"])
                .count()
            )
    return counts


def funnel_chart(scope):
    counts = funnel_counts(scope)
    stages = [
        ("accounts", _("Comptes créés pendant l’appel")),
        ("started", _("Candidatures commencées")),
        ("submitted", _("Candidatures déposées")),
        ("eligible", _("Éligibles")),
        ("reviewed", _("Évaluées")),
        ("selected", _("Retenues")),
        ("pilots_running", _("Expérimentation en cours")),
        ("pilots_completed", _("Expérimentation terminée")),
        ("continued", _("Poursuivies par la commune")),
    ]
    rows = [[label, counts[key]] for key, label in stages if counts[key] is not None]
    return bar_chart(
        "funnel",
        _("Entonnoir des candidatures"),
        [_("Étape"), _("Nombre")],
        rows,
        description=_(
            "Chaque candidature compte une fois, quel que soit le nombre de communes visées ; "
            "les candidatures retirées ne comptent qu’au stade « commencées »."
        ),
    )


def communes_table(scope):
    """Per commune: applications received, eligible, reviewed, selected, against the quota."""
    # A commune the candidate unticked (kept with its team's work) is not counted.
    submitted = Q(targets__application__state=SUBMITTED, targets__withdrawn_at__isnull=True)
    participations = (
        _participations(scope)
        .filter(call__in=_calls(scope))
        .select_related("commune")
        .annotate(
            received=Count("targets", filter=submitted, distinct=True),
            eligible=Count(
                "targets",
                filter=submitted & Q(targets__eligibility=Eligibility.ELIGIBLE),
                distinct=True,
            ),
            reviewed=Count(
                "targets",
                filter=submitted & Q(targets__reviews__state=Review.State.SUBMITTED),
                distinct=True,
            ),
            selected=Count(
                "targets", filter=submitted & Q(targets__decision=Decision.SELECTED), distinct=True
            ),
        )
        .order_by("commune__name")
    )
    rows = [
        [
            p.commune.name,
            p.received,
            p.eligible,
            p.reviewed,
            p.selected,
            f"{p.quota_min}–{p.quota_max}",
        ]
        for p in participations
    ]
    rows.sort(key=lambda row: folded(row[0]))
    return table(
        "communes",
        _("Candidatures par commune"),
        [
            _("Commune"),
            _("Reçues"),
            _("Éligibles"),
            _("Évaluées"),
            _("Retenues"),
            _("Quota"),
        ],
        rows,
    )


# Submissions per day.


def _daily_submissions(scope):
    """{days before the deadline: applications submitted that day} (Paris days)."""
    rows = (
        applications(scope)
        .filter(state=SUBMITTED)
        .annotate(day=TruncDate("submitted_at", tzinfo=PARIS))
        .values("call__closes_at", "day")
        .annotate(n=Count("pk"))
    )
    daily = {}
    for row in rows:
        offset = (timezone.localtime(row["call__closes_at"], PARIS).date() - row["day"]).days
        offset = max(offset, 0)
        daily[offset] = daily.get(offset, 0) + row["n"]
    return daily


def previous_edition(edition):
    return Edition.objects.filter(number__lt=edition.number).order_by("-number").first()


def submissions_chart(scope):
    """Cumulative submissions by days before the deadline, beside the previous edition's."""
    current = _daily_submissions(scope)
    previous = previous_edition(scope.edition)
    before = (
        _daily_submissions(Scope(previous, commune=scope.commune, public=scope.public))
        if previous
        else {}
    )
    span = max([*current, *before, 0])
    rows, total, total_before = [], 0, 0
    for offset in range(span, -1, -1):
        total += current.get(offset, 0)
        total_before += before.get(offset, 0)
        rows.append(
            [
                _("J-%(days)d") % {"days": offset} if offset else _("J (date limite)"),
                current.get(offset, 0),
                total,
                total_before if previous else None,
            ]
        )
    if not current and not before:
        rows = []
    columns = [
        _("Jour"),
        _("Déposées ce jour (%(code)s)") % {"code": scope.edition.code},
        _("Cumul %(code)s") % {"code": scope.edition.code},
    ]
    series = [(scope.edition.code, 2, "solid")]
    if previous:
        columns.append(_("Cumul %(code)s") % {"code": previous.code})
        series.append((previous.code, 3, "dashed"))
    else:
        rows = [row[:3] for row in rows]
    axis = [_("J-%(days)d") % {"days": span - i} if span - i else _("J") for i in range(len(rows))]
    return line_chart(
        "submissions",
        _("Candidatures déposées, cumul jour par jour jusqu’à la date limite"),
        columns,
        rows,
        x_col=0,
        x_labels=axis,
        series=series,
        description=_(
            "Jours comptés avant la date limite de chaque appel, à l’heure de Paris ; "
            "candidatures déposées et non retirées."
        ),
    )


# Who applies, for what.


def kinds_chart(scope):
    rows = (
        applications(scope)
        .filter(state=SUBMITTED)
        .values("organisation__kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation__kind")
    )
    labels = dict(Organisation.Kind.choices)
    return bar_chart(
        "kinds",
        _("Types de structures candidates"),
        [_("Type de structure"), _("Candidatures déposées")],
        _by_count_then_label(
            [
                [str(labels.get(r["organisation__kind"], r["organisation__kind"])), r["n"]]
                for r in rows
            ]
        ),
    )


def _submitted_in_scope(prefix, scope):
    q = Q(**{f"{prefix}state": SUBMITTED}) & Q(**{f"{prefix}call__in": _calls(scope)})
    return q


def challenges_chart(scope, limit=10):
    challenges = (
        Challenge.objects.filter(participation__in=_participations(scope))
        .select_related("participation__commune")
        .annotate(
            n=Count(
                "applications",
                filter=_submitted_in_scope("applications__", scope),
                distinct=True,
            )
        )
        .filter(n__gt=0)
        .order_by("-n", "title", "pk")[:limit]
    )
    return bar_chart(
        "challenges",
        _("Défis les plus visés"),
        [_("Défi"), _("Candidatures déposées")],
        _by_count_then_label(
            [[f"{c.title} ({c.participation.commune.name})", c.n] for c in challenges]
        ),
    )


def tags_chart(scope):
    in_scope = Q(challenges__participation__in=_participations(scope)) & _submitted_in_scope(
        "challenges__applications__", scope
    )
    tags = (
        Tag.objects.annotate(n=Count("challenges__applications", filter=in_scope, distinct=True))
        .filter(n__gt=0)
        .order_by("-n", "name")
    )
    return bar_chart(
        "tags",
        _("Thématiques les plus visées"),
        [_("Thématique"), _("Candidatures déposées")],
        _by_count_then_label([[t.name, t.n] for t in tags]),
    )


# Reviews (staff only: names reviewers).


def review_progress_chart(scope):
    # A commune the candidate unticked (kept with its team's work) is not counted.
    submitted = Q(targets__application__state=SUBMITTED, targets__withdrawn_at__isnull=True)
    to_review = submitted & ~Q(targets__eligibility=Eligibility.INELIGIBLE)
    review_q = Q(targets__reviews__state=Review.State.SUBMITTED)
    participations = (
        _participations(scope)
        .filter(call__in=_calls(scope))
        .select_related("commune")
        .annotate(
            to_review=Count("targets", filter=to_review, distinct=True),
            reviewed=Count("targets", filter=to_review & review_q, distinct=True),
            reviews_done=Count("targets__reviews", filter=to_review & review_q, distinct=True),
            reviews_draft=Count(
                "targets__reviews",
                filter=to_review
                & Q(targets__reviews__state=Review.State.DRAFT)
                & Q(targets__reviews__conflict_of_interest=False),
                distinct=True,
            ),
            conflicts=Count(
                "targets__reviews",
                filter=submitted & Q(targets__reviews__conflict_of_interest=True),
                distinct=True,
            ),
        )
        .order_by("commune__name")
    )
    rows = [
        [
            p.commune.name,
            Percent(round(100 * p.reviewed / p.to_review, 1) if p.to_review else 0),
            p.to_review,
            p.reviewed,
            p.reviews_done,
            p.reviews_draft,
            p.conflicts,
        ]
        for p in participations
    ]
    rows.sort(key=lambda row: folded(row[0]))
    return bar_chart(
        "review_progress",
        _("Avancement des évaluations par commune"),
        [
            _("Commune"),
            _("Part des candidatures évaluées"),
            _("Candidatures à évaluer"),
            _("Évaluées au moins une fois"),
            _("Évaluations soumises"),
            _("Évaluations en cours"),
            _("Conflits d’intérêts déclarés"),
        ],
        rows,
        maximum=100,
        description=_("Candidatures déposées et non écartées à l’examen d’éligibilité."),
    )


def reviewers_table(scope):
    reviews = (
        Review.objects.filter(
            target__participation__in=_participations(scope),
            target__application__state=SUBMITTED,
            target__application__call__in=_calls(scope),
        )
        .values(
            "reviewer_id",
            "reviewer__full_name",
            "reviewer__email",
            "target__participation__commune__name",
        )
        .annotate(
            done=Count("pk", filter=Q(state=Review.State.SUBMITTED)),
            draft=Count("pk", filter=Q(state=Review.State.DRAFT, conflict_of_interest=False)),
            conflicts=Count("pk", filter=Q(conflict_of_interest=True)),
        )
        .order_by("target__participation__commune__name", "reviewer__full_name", "reviewer_id")
    )
    rows = [
        [
            r["target__participation__commune__name"],
            r["reviewer__full_name"] or r["reviewer__email"],
            r["done"],
            r["draft"],
            r["conflicts"],
        ]
        for r in reviews
    ]
    rows.sort(key=lambda row: (folded(row[0]), folded(row[1])))
    return table(
        "reviewers",
        _("Évaluations par évaluateur"),
        [
            _("Commune"),
            _("Évaluateur"),
            _("Soumises"),
            _("En cours"),
            _("Conflits d’intérêts"),
        ],
        rows,
    )


# After the selection: pilots and satisfaction.


def pilots_chart(scope):
    """Pilots (published laureates only) by state."""
    pilots = Pilot.objects.public().filter(participation__in=_participations(scope))
    if scope.call is not None:
        pilots = pilots.filter(application__call=scope.call)
    counts = dict(pilots.order_by().values_list("state").annotate(n=Count("pk")))
    rows = [[str(label), counts.get(value, 0)] for value, label in Pilot.State.choices]
    if not any(row[1] for row in rows):
        rows = []
    return bar_chart(
        "pilots",
        _("Expérimentations par état"),
        [_("État"), _("Expérimentations")],
        rows,
    )


def satisfaction_chart(public=False):
    """Satisfaction per edition, computed from the survey answers (4 or 5 out of 5).

    Public pages show an edition only once its survey is closed with enough answers.
    """
    rows = []
    for edition in Edition.objects.order_by("number"):
        satisfaction = satisfaction_for_edition(edition)
        if satisfaction.rate is None or (public and not satisfaction.shown):
            continue
        rows.append(
            [
                edition.code,
                Percent(satisfaction.rate),
                satisfaction.answers,
                satisfaction.recipients,
            ]
        )
    return bar_chart(
        "satisfaction",
        _("Satisfaction des expérimentateurs par édition"),
        [_("Édition"), _("Satisfaits (4 ou 5 sur 5)"), _("Réponses"), _("Destinataires")],
        rows,
        maximum=100,
        description=_(
            "Part des organisations ayant répondu à l’enquête qui se disent satisfaites "
            "(4 ou 5 sur 5), calculée à partir des réponses."
        ),
    )


# Pages.


def dashboard(scope):
    """Every figure of the staff dashboards (programme or commune)."""
    charts = [
        funnel_chart(scope),
        submissions_chart(scope),
        communes_table(scope),
        kinds_chart(scope),
        challenges_chart(scope),
        tags_chart(scope),
        review_progress_chart(scope),
        reviewers_table(scope),
        pilots_chart(scope),
        satisfaction_chart(),
    ]
    return {chart.key: chart for chart in charts}


def laureates_by_commune_chart(edition):
    rows = (
        laureates(edition=edition)
        .values("participation__commune__name")
        .annotate(n=Count("pk"))
        .order_by("participation__commune__name")
    )
    return bar_chart(
        "laureates",
        _("Lauréats par commune"),
        [_("Commune"), _("Lauréats")],
        [[r["participation__commune__name"], r["n"]] for r in rows],
    )


def public_figures(edition):
    """Key figures of an edition's public page; counts only, for closed calls."""
    scope = Scope(edition, public=True)
    satisfaction = satisfaction_for_edition(edition)
    return {
        "communes": Participation.objects.filter(edition=edition).count(),
        "applications": applications(scope).filter(state=SUBMITTED).count(),
        "laureates": laureates(edition=edition).count(),
        "pilots": pilots_deployed(edition),
        "satisfaction": Percent(satisfaction.rate) if satisfaction.shown else None,
        "satisfaction_answers": satisfaction.answers if satisfaction.shown else None,
        "calls_closed": _calls(scope).exists(),
    }


def public_statistics(edition):
    scope = Scope(edition, public=True)
    charts = [
        submissions_chart(scope),
        laureates_by_commune_chart(edition),
        pilots_chart(scope),
        kinds_chart(scope),
        challenges_chart(scope),
        tags_chart(scope),
        satisfaction_chart(public=True),
    ]
    return {chart.key: chart for chart in charts}


def editions_for_statistics():
    return Edition.objects.order_by("-number")
