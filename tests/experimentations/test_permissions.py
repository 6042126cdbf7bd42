"""Who sees what: a matrix over every URL of the pilots and surveys."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from experimentations.models import Milestone, Survey, SurveyRecipient
from experimentations.services.reports import file_report

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
USERS = [
    "anonymous",
    "outsider",
    "other_candidate",
    "member_a",
    "member_b",
    "staff_a",
    "staff_b",
    "officer",
    "admin",
]
VIEWERS = {"member_a", "staff_a", "officer", "admin"}
EDITORS = {"officer", "admin"}
BOARD = {"staff_a", "staff_b", "officer", "admin"}


def _expected(allowed, denied=403):
    return {
        name: 302 if name == "anonymous" else (200 if name in allowed else denied) for name in USERS
    }


@pytest.fixture
def urls(pw):
    pilot = pw.pilot_a
    kickoff = pilot.reports.get(kind="kickoff")
    report = file_report(
        user=pw.member_a,
        report=kickoff,
        text="Lancement fait.",
        files=[SimpleUploadedFile("compte-rendu.pdf", PDF, content_type="application/pdf")],
    )
    milestone = Milestone.objects.create(
        pilot=pilot, title="Pose des capteurs", due_on=datetime.date(2025, 5, 1)
    )
    now = timezone.now()
    survey = Survey.objects.create(
        edition=pw.call.edition,
        title="Enquête",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=20),
    )
    recipient = SurveyRecipient.objects.create(
        survey=survey, organisation=pilot.application.organisation
    )
    everyone = set(USERS) - {"anonymous"}
    return [
        (reverse("experimentations:my_pilots"), _expected(everyone)),
        (reverse("experimentations:board"), _expected(BOARD)),
        (reverse("experimentations:pilot", args=[pilot.pk]), _expected(VIEWERS)),
        (reverse("experimentations:pilot_edit", args=[pilot.pk]), _expected(EDITORS)),
        (reverse("experimentations:officer_assign", args=[pilot.pk]), _expected({"admin"})),
        (reverse("experimentations:milestone_add", args=[pilot.pk]), _expected(EDITORS)),
        (
            reverse("experimentations:milestone_edit", args=[pilot.pk, milestone.pk]),
            _expected(EDITORS),
        ),
        (reverse("experimentations:outcome", args=[pilot.pk]), _expected(EDITORS)),
        (reverse("experimentations:report", args=[pilot.pk, report.pk]), _expected(VIEWERS)),
        (
            reverse("experimentations:report_attachment", args=[report.attachments.get().pk]),
            _expected(VIEWERS, denied=404),
        ),
        (reverse("experimentations:survey_list"), _expected({"admin"})),
        (reverse("experimentations:survey_create"), _expected({"admin"})),
        (reverse("experimentations:survey_results", args=[survey.pk]), _expected({"admin"})),
        (
            reverse("experimentations:survey_export", args=[survey.pk, "csv"]),
            _expected({"admin"}),
        ),
        (
            reverse("experimentations:survey_export", args=[survey.pk, "xlsx"]),
            _expected({"admin"}),
        ),
        # The personal link needs no log-in; a forged one is a clear 404.
        (
            reverse("experimentations:survey_answer", args=[recipient.token]),
            dict.fromkeys(USERS, 200),
        ),
        (
            reverse("experimentations:survey_answer", args=["forged-token"]),
            dict.fromkeys(USERS, 404),
        ),
    ]


def test_permission_matrix_on_every_url(client, pw, urls):
    failures = []
    for name in USERS:
        client.logout()
        if name != "anonymous":
            client.force_login(getattr(pw, name))
        for url, expected in urls:
            status = client.get(url).status_code
            if status != expected[name]:
                failures.append(f"{name} GET {url}: {status}, expected {expected[name]}")
    assert not failures, "\n".join(failures)


def test_posts_follow_the_same_rules(client, pw):
    pilot = pw.pilot_a
    survey = Survey.objects.create(
        edition=pw.call.edition,
        title="Enquête",
        opens_at=timezone.now(),
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    posts = [
        (reverse("experimentations:pilot_edit", args=[pilot.pk]), EDITORS),
        (reverse("experimentations:officer_assign", args=[pilot.pk]), {"admin"}),
        (reverse("experimentations:milestone_add", args=[pilot.pk]), EDITORS),
        (reverse("experimentations:outcome", args=[pilot.pk]), EDITORS),
        (
            reverse("experimentations:report", args=[pilot.pk, pilot.reports.first().pk]),
            {"member_a"},
        ),
        (reverse("experimentations:survey_send", args=[survey.pk]), {"admin"}),
    ]
    for name in USERS:
        client.logout()
        if name != "anonymous":
            client.force_login(getattr(pw, name))
        for url, allowed in posts:
            status = client.post(url, {}).status_code
            if name == "anonymous":
                assert status == 302, (name, url)
            elif name in allowed:
                assert status in (200, 302, 400), (name, url, status)
            else:
                assert status == 403, (name, url, status)


def test_board_lists_only_what_each_team_sees(client, pw):
    url = reverse("experimentations:board")
    client.force_login(pw.staff_b)
    body = client.get(url).content.decode()
    assert pw.pilot_b.application.title in body
    assert pw.pilot_a.application.title not in body
    client.force_login(pw.officer)
    body = client.get(url).content.decode()
    assert pw.pilot_a.application.title in body
    assert pw.pilot_b.application.title not in body


def test_my_pilots_lists_only_the_organisations_pilots(client, pw):
    client.force_login(pw.member_a)
    body = client.get(reverse("experimentations:my_pilots")).content.decode()
    assert pw.pilot_a.application.title in body
    assert pw.pilot_b.application.title not in body
