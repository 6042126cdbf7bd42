"""Demo pilots and the QMI1 satisfaction survey.

- QMI1: its 18 laureates' pilots are completed, with reports and outcomes;
  the survey (closed before the closing event of 13 February 2025) has 18
  answers, 15 of them 4 or 5: the edition page computes 83 % from them.
- QMI2 phase 1: running pilots with milestones and filed reports; one
  six-monthly report is overdue.

Idempotent: pilots are created once (as publication does), and only pilots
still "in preparation" are set up; the survey is created once.
"""

import datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from experimentations.models import (
    Milestone,
    Outcome,
    Pilot,
    Report,
    Survey,
    SurveyAnswer,
    SurveyRecipient,
)
from experimentations.services.pilots import create_pilots_for_call, reschedule_reports

PARIS = ZoneInfo("Europe/Paris")
OFFICER = "officer@qmi.example"

# (satisfaction, recommendation, continued, what worked, what should change)
QMI1_ANSWERS = [
    (5, 10, "yes", "Un terrain d'expérimentation réel et une commune très impliquée.", ""),
    (5, 9, "yes", "Le chargé de mission a levé les blocages administratifs.", ""),
    (5, 9, "yes", "Les retours des habitants, précieux pour notre produit.", ""),
    (5, 10, "yes", "La visibilité donnée par la Métropole.", ""),
    (5, 8, "discussing", "L'accompagnement de bout en bout.", "Des points d'étape plus courts."),
    (5, 9, "yes", "La mise en relation avec les services techniques.", ""),
    (4, 8, "yes", "Une équipe municipale disponible.", "Un calendrier plus souple."),
    (4, 7, "discussing", "Le réseau des autres lauréats.", "Plus d'échanges entre lauréats."),
    (4, 8, "yes", "Un cadre clair et rassurant.", ""),
    (4, 9, "no", "Les données d'usage recueillies.", "Préparer la suite plus tôt."),
    (4, 7, "discussing", "La qualité de l'accueil dans le quartier.", ""),
    (4, 8, "yes", "Des interlocuteurs identifiés.", "Des rapports moins fréquents."),
    (4, 6, "no", "La communication autour du projet.", "Un soutien financier au déploiement."),
    (4, 8, "discussing", "L'appui pour les autorisations.", ""),
    (4, 7, "yes", "Un site d'essai bien choisi.", ""),
    (3, 6, "no", "L'idée du programme.", "Un accompagnement technique plus fort."),
    (3, 5, "discussing", "", "Des délais de conventionnement trop longs."),
    (2, 3, "no", "", "Le lieu d'expérimentation ne convenait pas à notre solution."),
]
OUTCOME_FORMS = {
    "yes": [Outcome.Form.PUBLIC_CONTRACT, Outcome.Form.PARTNERSHIP, Outcome.Form.EXTENSION],
}


def _file_all(pilot, upto, author, rng_index):
    """File the pilot's reports due up to ``upto`` with a short text."""
    texts = {
        Report.Kind.KICKOFF: "Installation faite, premiers usagers accueillis.",
        Report.Kind.PERIODIC: "Usage en hausse ; ajustements faits avec la commune.",
        Report.Kind.FINAL: "Bilan : objectifs atteints pour l'essentiel, suite à discuter.",
    }
    for report in pilot.reports.all():
        if report.due_on > upto or report.is_filed:
            continue
        report.text = texts[report.kind]
        filed_on = report.due_on - datetime.timedelta(days=(rng_index % 5) + 1)
        report.submitted_at = datetime.datetime.combine(
            filed_on, datetime.time(10, 0), tzinfo=PARIS
        )
        report.submitted_by = author
        report.save()


def _first_member(pilot):
    membership = pilot.application.organisation.memberships.select_related("user").first()
    return membership.user if membership else None


def seed_qmi1(call, officer):
    pilots = list(
        Pilot.objects.filter(participation__call=call, state=Pilot.State.PREPARING)
        .select_related("application__organisation", "participation")
        .order_by("participation__commune__name", "application__title")
    )
    for index, pilot in enumerate(pilots):
        start = pilot.planned_start
        pilot.actual_start = start
        pilot.actual_end = start + relativedelta(months=18)
        pilot.planned_end = pilot.actual_end
        pilot.state = Pilot.State.COMPLETED
        pilot.officer = officer
        pilot.place = pilot.place or "Place centrale du quartier"
        pilot.save()
        reschedule_reports(pilot)
        _file_all(
            pilot, pilot.actual_end + datetime.timedelta(days=31), _first_member(pilot), index
        )
        Milestone.objects.bulk_create(
            [
                Milestone(pilot=pilot, title="Convention signée", due_on=start, done_on=start),
                Milestone(
                    pilot=pilot,
                    title="Bilan final avec la commune",
                    due_on=pilot.actual_end,
                    done_on=pilot.actual_end,
                ),
            ]
        )
        continued = QMI1_ANSWERS[index % len(QMI1_ANSWERS)][2]
        forms = OUTCOME_FORMS.get(continued)
        Outcome.objects.get_or_create(
            pilot=pilot,
            defaults={
                "continued": continued,
                "form": forms[index % len(forms)] if forms else "",
                "comment": "Décision prise lors du bilan final avec la commune.",
                "recorded_by": officer,
            },
        )


def seed_qmi1_survey(edition, admin):
    if Survey.objects.filter(edition=edition).exists():
        return
    survey = Survey.objects.create(
        edition=edition,
        title="Enquête de satisfaction des expérimentateurs QMI1",
        opens_at=datetime.datetime(2025, 1, 6, 9, 0, tzinfo=PARIS),
        closes_at=datetime.datetime(2025, 2, 7, 23, 59, tzinfo=PARIS),
        sent_at=datetime.datetime(2025, 1, 6, 9, 0, tzinfo=PARIS),
        created_by=admin,
    )
    organisations = list(
        Pilot.objects.filter(participation__edition=edition, state=Pilot.State.COMPLETED)
        .order_by("participation__commune__name", "application__title")
        .values_list("application__organisation_id", flat=True)
    )
    organisations = list(dict.fromkeys(organisations))  # one link per organisation
    for index, organisation_id in enumerate(organisations):
        recipient = SurveyRecipient.objects.create(survey=survey, organisation_id=organisation_id)
        if index >= len(QMI1_ANSWERS):
            continue
        satisfaction, recommendation, continued, worked, change = QMI1_ANSWERS[index]
        SurveyAnswer.objects.create(
            recipient=recipient,
            satisfaction=satisfaction,
            recommendation=recommendation,
            continued=continued,
            what_worked=worked,
            what_to_change=change,
        )


def seed_qmi2_phase1(call, officer, today):
    pilots = list(
        Pilot.objects.filter(participation__call=call, state=Pilot.State.PREPARING)
        .select_related("application__organisation", "participation")
        .order_by("participation__commune__name", "application__title")
    )
    start = today - relativedelta(months=10)
    for index, pilot in enumerate(pilots):
        pilot.planned_start = pilot.actual_start = start
        pilot.planned_end = start + relativedelta(months=18)
        pilot.state = Pilot.State.RUNNING
        pilot.officer = officer
        pilot.place = pilot.place or "Rez-de-chaussée de la maison de quartier"
        pilot.save()
        reschedule_reports(pilot)
        # The first pilot has not filed its first six-monthly report: overdue.
        upto = start + datetime.timedelta(days=31) if index == 0 else today
        _file_all(pilot, upto, _first_member(pilot), index)
        Milestone.objects.bulk_create(
            [
                Milestone(
                    pilot=pilot,
                    title="Convention signée",
                    due_on=start - relativedelta(months=1),
                    done_on=start - relativedelta(months=1),
                ),
                Milestone(
                    pilot=pilot,
                    title="Installation dans le quartier",
                    due_on=start + relativedelta(months=1),
                    done_on=start + relativedelta(months=1, days=3),
                ),
                Milestone(
                    pilot=pilot,
                    title="Bilan à mi-parcours avec les habitants",
                    due_on=start + relativedelta(months=11),
                ),
                Milestone(pilot=pilot, title="Évaluation finale", due_on=pilot.planned_end),
            ]
        )


@transaction.atomic
def seed(users, calls):
    """``calls`` is calls/demo.py's dict; pilots follow the published calls."""
    from accounts.demo import demo_user

    calls = (calls or {}).get("calls") or {}
    officer = users.get(OFFICER) or demo_user(OFFICER, "Olivier Chargé de mission", is_staff=True)
    admin = users.get("admin@qmi.example")
    today = timezone.localdate()
    qmi1 = calls.get("qmi1")
    if qmi1 is not None:
        qmi1.refresh_from_db()
        create_pilots_for_call(qmi1)
        seed_qmi1(qmi1, officer)
        seed_qmi1_survey(qmi1.edition, admin)
    phase1 = calls.get("qmi2_phase1")
    if phase1 is not None:
        phase1.refresh_from_db()
        create_pilots_for_call(phase1)
        seed_qmi2_phase1(phase1, officer, today)
