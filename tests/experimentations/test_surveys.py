"""The satisfaction survey: personal links, one answer per organisation, reminders, rates."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from experimentations.models import Pilot, Survey, SurveyAnswer, SurveyRecipient
from experimentations.selectors.surveys import (
    percent,
    recommendation_score,
    satisfaction_for_edition,
    survey_results,
)
from experimentations.services.surveys import create_survey, send_survey
from notifications.models import OutboxMessage
from notifications.services.scheduling import queue_due_notifications
from tests.factories import OrganisationFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
ANSWER = {
    "satisfaction": "5",
    "recommendation": "9",
    "continued": "yes",
    "what_worked": "L'accompagnement",
    "what_to_change": "",
    "comment": "",
}


@pytest.fixture
def finished(pw):
    Pilot.objects.update(
        state="completed",
        actual_start=datetime.date(2023, 1, 1),
        actual_end=datetime.date(2024, 6, 30),
    )
    return pw


@pytest.fixture
def survey(finished):
    now = timezone.now()
    survey = Survey(
        edition=finished.call.edition,
        title="Enquête de satisfaction",
        opens_at=now - DAY,
        closes_at=now + 20 * DAY,
    )
    return create_survey(user=finished.admin, survey=survey)


def _link(recipient):
    return reverse("experimentations:survey_answer", args=[recipient.token])


def test_recipients_are_the_organisations_of_finished_pilots(finished, survey):
    organisations = {r.organisation_id for r in survey.recipients.all()}
    assert organisations == {
        finished.pilot_a.application.organisation_id,
        finished.pilot_b.application.organisation_id,
    }


def test_running_pilots_are_not_asked(pw):
    now = timezone.now()
    survey = create_survey(
        user=pw.admin,
        survey=Survey(edition=pw.call.edition, title="E", opens_at=now, closes_at=now + DAY),
    )
    assert not survey.recipients.exists()


def test_sending_queues_one_personal_link_per_member_once(finished, survey):
    queued = send_survey(user=finished.admin, survey=survey)
    assert queued == 2
    assert send_survey(user=finished.admin, survey=survey) == 0
    message = OutboxMessage.objects.get(recipient=finished.member_a)
    recipient = SurveyRecipient.objects.get(organisation=finished.pilot_a.application.organisation)
    assert recipient.token in message.context["url"]


def test_one_answer_per_organisation_editable_until_close(client, finished, survey):
    recipient = survey.recipients.first()
    url = _link(recipient)
    assert client.get(url).status_code == 200
    assert client.post(url, ANSWER).status_code == 302
    assert client.post(url, {**ANSWER, "satisfaction": "3"}).status_code == 302
    answer = SurveyAnswer.objects.get(recipient=recipient)
    assert answer.satisfaction == 3
    assert SurveyAnswer.objects.count() == 1
    with time_machine.travel(survey.closes_at, tick=False):
        response = client.get(url)
        assert response.status_code == 410
        assert "close" in response.content.decode()
        assert client.post(url, {**ANSWER, "satisfaction": "1"}).status_code == 410
    answer.refresh_from_db()
    assert answer.satisfaction == 3


def test_bad_answers_get_clear_errors_and_keep_what_was_typed(client, survey):
    url = _link(survey.recipients.first())
    response = client.post(url, {**ANSWER, "satisfaction": "9", "what_worked": "Texte gardé <b>"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "error-summary" in body and "Texte gardé &lt;b&gt;" in body
    assert not SurveyAnswer.objects.exists()


@pytest.mark.parametrize("token", ["forged", "x" * 500, "%00", "' OR 1=1 --"])
def test_forged_tokens_get_a_clear_page(client, survey, token):
    response = client.get(reverse("experimentations:survey_answer", args=[token]))
    assert response.status_code == 404
    assert "Lien d" in response.content.decode()


def test_before_opening_the_link_says_when(client, survey):
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=timezone.now() + DAY, closes_at=timezone.now() + 2 * DAY
    )
    response = client.get(_link(survey.recipients.first()))
    assert response.status_code == 403
    assert "ouvrira" in response.content.decode()


def test_reminders_at_seven_and_fourteen_days_to_those_who_have_not_answered(
    client, finished, survey, django_capture_on_commit_callbacks
):
    send_survey(user=finished.admin, survey=survey)
    answered = SurveyRecipient.objects.get(organisation=finished.pilot_a.application.organisation)
    client.post(_link(answered), ANSWER)
    survey.refresh_from_db()
    start = survey.sent_at

    def run(moment):
        capture = django_capture_on_commit_callbacks(execute=True)
        with time_machine.travel(moment, tick=False), capture:
            return queue_due_notifications()["survey_reminder"]

    assert run(start + 6 * DAY) == 0
    assert run(start + 7 * DAY) == 1
    assert run(start + 8 * DAY) == 0
    assert run(start + 14 * DAY) == 1
    assert run(start + 15 * DAY) == 0
    reminders = OutboxMessage.objects.filter(kind="survey_reminder")
    assert {m.recipient for m in reminders} == {finished.member_b}
    assert sorted(m.occasion for m in reminders) == ["reminder-14d", "reminder-7d"]


def _answers(survey, values):
    for value in values:
        recipient = SurveyRecipient.objects.create(
            survey=survey, organisation=OrganisationFactory()
        )
        SurveyAnswer.objects.create(
            recipient=recipient, satisfaction=value, recommendation=value * 2, continued="yes"
        )


def test_satisfaction_needs_a_closed_survey_and_five_answers(pw):
    edition = pw.call.edition
    assert satisfaction_for_edition(edition).rate is None  # no survey
    now = timezone.now()
    survey = Survey.objects.create(
        edition=edition, title="E", opens_at=now - 10 * DAY, closes_at=now - DAY
    )
    result = satisfaction_for_edition(edition)
    assert (result.answers, result.rate, result.shown) == (0, None, False)
    _answers(survey, [5, 4, 4, 3])
    result = satisfaction_for_edition(edition)
    assert (result.answers, result.rate, result.shown) == (4, 75, False)
    _answers(survey, [3])
    result = satisfaction_for_edition(edition)
    assert (result.answers, result.rate, result.shown) == (5, 60, True)
    Survey.objects.filter(pk=survey.pk).update(closes_at=now + DAY)
    assert not satisfaction_for_edition(edition).shown  # still open


def test_satisfaction_of_the_first_edition_is_fifteen_out_of_eighteen(pw):
    now = timezone.now()
    survey = Survey.objects.create(
        edition=pw.call.edition, title="E", opens_at=now - 10 * DAY, closes_at=now - DAY
    )
    _answers(survey, [5] * 8 + [4] * 7 + [3, 2, 3])
    result = satisfaction_for_edition(pw.call.edition)
    assert (result.satisfied, result.answers, result.rate) == (15, 18, 83)


def test_rounding_and_ties():
    assert percent(1, 8) == 13  # 12.5 rounds half up
    assert percent(15, 18) == 83
    assert percent(0, 0) is None
    # Recommendation: 9-10 promote, 0-6 detract; 7-8 are neutral.
    assert recommendation_score([9, 10, 7, 8, 6, 0]) == 33 - 33
    assert recommendation_score([10, 10]) == 100
    assert recommendation_score([]) is None


def test_commune_teams_answers_do_not_count_as_expérimentateurs(finished):
    now = timezone.now()
    survey = create_survey(
        user=finished.admin,
        survey=Survey(
            edition=finished.call.edition,
            title="E",
            opens_at=now - DAY,
            closes_at=now + DAY,
            include_commune_teams=True,
        ),
    )
    commune = survey.recipients.filter(commune__isnull=False).first()
    assert commune is not None
    SurveyAnswer.objects.create(recipient=commune, satisfaction=1, recommendation=0, continued="no")
    results = survey_results(survey)
    assert results.answers == 0 and results.recipients == 2


def test_results_page_and_exports_neutralise_formulas(client, finished, survey):
    recipient = survey.recipients.first()
    client.post(_link(recipient), {**ANSWER, "comment": '=HYPERLINK("http://x")'})
    client.force_login(finished.admin)
    body = client.get(reverse("experimentations:survey_results", args=[survey.pk])).content.decode()
    assert "Taux de satisfaction" in body and "100 %" in plain(body)
    csv = client.get(reverse("experimentations:survey_export", args=[survey.pk, "csv"]))
    assert "'=HYPERLINK" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("experimentations:survey_export", args=[survey.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in values
    assert (
        client.get(reverse("experimentations:survey_export", args=[survey.pk, "pdf"])).status_code
        == 404
    )


def test_admin_creates_and_sends_a_survey_through_the_pages(client, finished):
    client.force_login(finished.admin)
    now = timezone.localtime()
    response = client.post(
        reverse("experimentations:survey_create"),
        {
            "edition": finished.call.edition.pk,
            "title": "Votre avis",
            "opens_at": (now - DAY).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + 30 * DAY).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    survey = Survey.objects.get()
    assert survey.recipients.count() == 2
    response = client.post(reverse("experimentations:survey_send", args=[survey.pk]))
    assert response.status_code == 302
    assert OutboxMessage.objects.filter(kind="survey_invitation").count() == 2
    # A second survey for the same edition is a form error, not a 500.
    response = client.post(
        reverse("experimentations:survey_create"),
        {
            "edition": finished.call.edition.pk,
            "title": "Encore",
            "opens_at": (now - DAY).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now - 2 * DAY).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
