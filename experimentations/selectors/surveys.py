"""Reads of surveys: the satisfaction rate of an edition, the results page, the export."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from experimentations.models import Survey, SurveyAnswer, SurveyRecipient
from experimentations.models.pilot import Continuation

# Below this many answers a rate says more about chance than about the programme.
MIN_ANSWERS_SHOWN = 5
TOKEN_MAX_LENGTH = 64


def percent(part, whole):
    """An integer percentage rounded half up (12.5 -> 13), or None without a whole."""
    if not whole:
        return None
    value = Decimal(part) * 100 / Decimal(whole)
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass
class Satisfaction:
    """The satisfaction of an edition's expérimentateurs, from their answers."""

    satisfied: int = 0
    answers: int = 0
    recipients: int = 0
    closed: bool = False

    @property
    def rate(self):
        return percent(self.satisfied, self.answers)

    @property
    def shown(self):
        """Published on the edition page: survey closed and at least 5 answers."""
        return self.closed and self.answers >= MIN_ANSWERS_SHOWN


def satisfaction_for_edition(edition, now=None):
    """Satisfaction of the organisations that ran pilots (commune teams not counted).

    One query; ``shown`` says whether the edition page may publish it.
    """
    from django.db.models import Count, Max, Q

    totals = SurveyRecipient.objects.filter(
        survey__edition=edition, organisation__isnull=False
    ).aggregate(
        recipients=Count("pk"),
        answers=Count("answer"),
        satisfied=Count("answer", filter=Q(answer__satisfaction__gte=4)),
        closes_at=Max("survey__closes_at"),
    )
    closes_at = totals["closes_at"]
    return Satisfaction(
        satisfied=totals["satisfied"],
        answers=totals["answers"],
        recipients=totals["recipients"],
        closed=closes_at is not None and (now or timezone.now()) >= closes_at,
    )


@dataclass
class Distribution:
    label: str
    rows: list = field(default_factory=list)  # [(value label, count, percent)]


@dataclass
class SurveyResults:
    recipients: int
    answers: int
    response_rate: int | None
    satisfaction_rate: int | None
    recommendation_score: int | None
    continuation_rate: int | None
    distributions: list
    comments: list


def recommendation_score(values):
    """Share of promoters (9-10) minus share of detractors (0-6), from -100 to 100."""
    if not values:
        return None
    promoters = sum(1 for v in values if v >= 9)
    detractors = sum(1 for v in values if v <= 6)
    return percent(promoters, len(values)) - percent(detractors, len(values))


def survey_results(survey, organisations_only=True):
    recipients = SurveyRecipient.objects.filter(survey=survey)
    if organisations_only:
        recipients = recipients.filter(organisation__isnull=False)
    answers = list(
        SurveyAnswer.objects.filter(recipient__in=recipients).select_related(
            "recipient__organisation", "recipient__commune"
        )
    )
    total = len(answers)
    satisfaction = Counter(a.satisfaction for a in answers)
    recommendation = Counter(a.recommendation for a in answers)
    continued = Counter(a.continued for a in answers)

    def rows(counter, values):
        return [(label, counter[value], percent(counter[value], total)) for value, label in values]

    distributions = [
        Distribution(
            _("Satisfaction d'ensemble (1 à 5)"),
            rows(satisfaction, [(n, str(n)) for n in range(1, 6)]),
        ),
        Distribution(
            _("Recommandation (0 à 10)"), rows(recommendation, [(n, str(n)) for n in range(0, 11)])
        ),
        Distribution(
            _("La commune a-t-elle poursuivi ?"),
            rows(continued, [(c.value, str(c.label)) for c in Continuation]),
        ),
    ]
    comments = [
        (a.recipient, label, text)
        for a in answers
        for label, text in (
            (_("Ce qui a bien fonctionné"), a.what_worked),
            (_("Ce qu'il faudrait changer"), a.what_to_change),
            (_("Commentaire"), a.comment),
        )
        if text.strip()
    ]
    return SurveyResults(
        recipients=recipients.count(),
        answers=total,
        response_rate=percent(total, recipients.count()),
        satisfaction_rate=percent(sum(1 for a in answers if a.satisfaction >= 4), total),
        recommendation_score=recommendation_score([a.recommendation for a in answers]),
        continuation_rate=percent(continued[Continuation.YES], total),
        distributions=distributions,
        comments=comments,
    )


def recipient_for_token(token):
    """The recipient of a personal link, or None for a forged or mistyped one."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return (
        SurveyRecipient.objects.select_related("survey__edition", "organisation", "commune")
        .filter(token=token)
        .first()
    )


def surveys_for_admin():
    from django.db.models import Count

    return Survey.objects.select_related("edition").annotate(
        recipient_count=Count("recipients", distinct=True),
        answer_count=Count("recipients__answer", distinct=True),
    )


def export_rows(survey):
    header = [
        _("Destinataire"),
        _("Type"),
        _("Satisfaction (1 à 5)"),
        _("Recommandation (0 à 10)"),
        _("La commune a poursuivi"),
        _("Ce qui a bien fonctionné"),
        _("Ce qu'il faudrait changer"),
        _("Commentaire"),
        _("Dernière modification"),
    ]
    answers = (
        SurveyAnswer.objects.filter(recipient__survey=survey)
        .select_related("recipient__organisation", "recipient__commune")
        .order_by("recipient__pk")
    )
    rows = [
        [
            str(a.recipient),
            _("organisation") if a.recipient.organisation_id else _("équipe communale"),
            a.satisfaction,
            a.recommendation,
            str(a.get_continued_display()),
            a.what_worked,
            a.what_to_change,
            a.comment,
            timezone.localtime(a.updated_at).strftime("%Y-%m-%d %H:%M"),
        ]
        for a in answers
    ]
    return header, rows
