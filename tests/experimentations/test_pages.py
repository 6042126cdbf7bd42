"""Pilot pages: boards with constant queries, the timeline, reports, milestones, outcome."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from experimentations.models import Milestone, Outcome, Pilot, Report
from notifications.models import OutboxMessage
from tests.experimentations.conftest import PilotWorld

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _board_queries(client, user, django_assert_max_num_queries, limit):
    client.force_login(user)
    with django_assert_max_num_queries(limit):
        response = client.get(reverse("experimentations:board"), {"overdue": "", "state": ""})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("who", ["admin", "staff_a", "officer"])
def test_board_query_count_does_not_grow_with_pilots(client, who, django_assert_max_num_queries):
    small = PilotWorld(laureates_per_commune=1)
    for pilot in Pilot.objects.all():
        Milestone.objects.create(pilot=pilot, title="J1", due_on=datetime.date(2030, 1, 1))
    _board_queries(client, getattr(small, who), django_assert_max_num_queries, 12)
    big = PilotWorld(laureates_per_commune=6)
    Pilot.objects.update(officer=big.officer)
    for pilot in Pilot.objects.all():
        Milestone.objects.create(pilot=pilot, title="J1", due_on=datetime.date(2030, 1, 1))
    response = _board_queries(client, getattr(big, who), django_assert_max_num_queries, 12)
    assert "J1" in response.content.decode()


def test_my_pilots_query_count(client, pw, django_assert_max_num_queries):
    for _ in range(5):
        pw.laureate(pw.a)
    client.force_login(pw.member_a)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("experimentations:my_pilots")).status_code == 200


def test_board_filters(client, pw):
    pw.pilot_a.reports.update(due_on=datetime.date(2099, 1, 1))
    pw.pilot_b.reports.filter(kind="kickoff").update(due_on=datetime.date(2020, 1, 1))
    client.force_login(pw.admin)
    url = reverse("experimentations:board")
    body = client.get(url, {"overdue": "1"}).content.decode()
    assert pw.pilot_b.application.title in body
    assert pw.pilot_a.application.title not in body
    body = client.get(url, {"commune": pw.a.commune_id}).content.decode()
    assert pw.pilot_a.application.title in body
    assert pw.pilot_b.application.title not in body
    # Nonsense filters are ignored, never a 500.
    for query in ({"commune": "²"}, {"edition": str(10**30)}, {"state": "x"}, {"page": "-1"}):
        assert client.get(url, query).status_code == 200


def test_member_files_the_kickoff_report_with_a_file_and_the_team_is_told(client, pw):
    kickoff = pw.pilot_a.reports.get(kind="kickoff")
    client.force_login(pw.member_a)
    url = reverse("experimentations:report", args=[pw.pilot_a.pk, kickoff.pk])
    response = client.post(
        url,
        {
            "text": "Capteurs posés <script>alert(1)</script>",
            "files": [SimpleUploadedFile("cr.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    kickoff.refresh_from_db()
    assert kickoff.is_filed and kickoff.submitted_by == pw.member_a
    assert kickoff.attachments.count() == 1
    notices = OutboxMessage.objects.filter(kind="report_filed")
    assert {m.recipient for m in notices} == {pw.officer, pw.staff_a}
    # Editing the report tells nobody again.
    client.post(url, {"text": "Capteurs posés <script>alert(2)</script>, version complétée"})
    assert OutboxMessage.objects.filter(kind="report_filed").count() == 2
    # The officer reads it, escaped.
    client.force_login(pw.officer)
    body = client.get(url).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert(2)" in body
    assert "version complétée" in body
    page = client.get(reverse("experimentations:pilot", args=[pw.pilot_a.pk])).content.decode()
    assert "déposé le" in page


def test_refused_file_keeps_the_text_and_files_nothing(client, pw):
    kickoff = pw.pilot_a.reports.get(kind="kickoff")
    client.force_login(pw.member_a)
    response = client.post(
        reverse("experimentations:report", args=[pw.pilot_a.pk, kickoff.pk]),
        {
            "text": "Mon texte précieux",
            "files": [
                SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
            ],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mon texte précieux" in body and "Type de fichier refusé" in body
    kickoff.refresh_from_db()
    assert not kickoff.is_filed
    assert not OutboxMessage.objects.filter(kind="report_filed").exists()


def test_empty_report_is_refused_with_a_message(client, pw):
    kickoff = pw.pilot_a.reports.get(kind="kickoff")
    client.force_login(pw.member_a)
    response = client.post(
        reverse("experimentations:report", args=[pw.pilot_a.pk, kickoff.pk]), {"text": "  "}
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def test_officer_starts_the_pilot_and_reports_move_with_the_dates(client, pw):
    client.force_login(pw.officer)
    start = timezone.localdate() - datetime.timedelta(days=10)
    response = client.post(
        reverse("experimentations:pilot_edit", args=[pw.pilot_a.pk]),
        {"state": "running", "actual_start": start.isoformat(), "place": "Place du marché"},
    )
    assert response.status_code == 302
    pw.pilot_a.refresh_from_db()
    assert pw.pilot_a.state == "running"
    kickoff = pw.pilot_a.reports.get(kind="kickoff")
    assert kickoff.due_on == start + datetime.timedelta(days=30)


def test_pilot_form_errors_are_clear(client, pw):
    client.force_login(pw.officer)
    response = client.post(
        reverse("experimentations:pilot_edit", args=[pw.pilot_a.pk]), {"state": "abandoned"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Indiquez pourquoi" in body
    assert "abandoned_pilot_has_reason" not in body


def test_milestone_and_outcome(client, pw):
    client.force_login(pw.officer)
    pilot = pw.pilot_a
    response = client.post(
        reverse("experimentations:milestone_add", args=[pilot.pk]),
        {"title": "Pose des bancs", "due_on": "2030-05-01"},
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(pilot=pilot)
    response = client.post(
        reverse("experimentations:milestone_edit", args=[pilot.pk, milestone.pk]),
        {"title": "Pose des bancs", "due_on": "2030-05-01", "done_on": "2099-01-01"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("experimentations:outcome", args=[pilot.pk]), {"continued": "yes", "form": ""}
    )
    assert response.status_code == 400
    assert "Précisez sous quelle forme" in response.content.decode()
    response = client.post(
        reverse("experimentations:outcome", args=[pilot.pk]),
        {"continued": "yes", "form": "public_contract", "comment": "Marché lancé"},
    )
    assert response.status_code == 302
    assert Outcome.objects.get(pilot=pilot).form == "public_contract"
    page = client.get(reverse("experimentations:pilot", args=[pilot.pk])).content.decode()
    assert "Pose des bancs" in page and "Marché lancé" in page


def test_admin_assigns_an_officer(client, pw):
    client.force_login(pw.admin)
    url = reverse("experimentations:officer_assign", args=[pw.pilot_b.pk])
    assert client.post(url, {"officer": pw.officer.pk}).status_code == 302
    pw.pilot_b.refresh_from_db()
    assert pw.pilot_b.officer == pw.officer
    # Only metropolis users can be officers; forged ids are form errors.
    assert client.post(url, {"officer": pw.member_a.pk}).status_code == 400
    assert client.post(url, {"officer": "9" * 40}).status_code == 400


def test_abandoned_pilot_takes_no_more_reports(pw):
    from django.core.exceptions import PermissionDenied

    from experimentations.services.reports import file_report

    Pilot.objects.filter(pk=pw.pilot_a.pk).update(state="abandoned", abandon_reason="Faillite")
    report = Report.objects.select_related("pilot").filter(pilot=pw.pilot_a).first()
    with pytest.raises(PermissionDenied):
        file_report(user=pw.member_a, report=report, text="x")
