"""Public statistics, open data and the API never show a non-selected application or a person."""

import json

import pytest

from applications.models import Organisation
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    ApplicationTargetFactory,
    CallFactory,
    CommuneFactory,
    MembershipFactory,
    OrganisationFactory,
    ParticipationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = [
    "Projet-Non-Retenu-7Q",
    "Orga-Non-Retenue-7Q",
    "Résumé-Non-Retenu-7Q",
    "Projet-Pas-Publié-7Q",
    "Orga-Pas-Publiée-7Q",
    "Zéphyrine Secrète",
    "zephyrine@secret.example",
    "Contact-Privé-7Q",
    "contact@laureat.example",
    "0601020304",
    "Jean Personne",
    "12345678900011",
    "Rémi Un",
    "Raoul Trois",
    "Marie Gère",
    "Olivier Chargé",
    "Lieu-Privé-7Q",
    "Rapport-Privé-7Q",
    "Répondant",
    "Commentaire-Privé-7Q",
]


@pytest.fixture
def seeded(with_pilots):
    """A laureate with a contact and members, a non-selected application, a laureate
    of a call whose results are not published, a laureate who is a natural person, and
    pilots with an officer, a place, a report and survey answers with comments."""
    from experimentations.models import Pilot, Report, SurveyAnswer

    published = with_pilots
    pilot = Pilot.objects.get(application=published.apps[1])
    pilot.officer = UserFactory(full_name="Olivier Chargé")
    pilot.place = "Lieu-Privé-7Q"
    pilot.save()
    Report.objects.create(
        pilot=pilot, kind="kickoff", due_on=pilot.planned_start, text="Rapport-Privé-7Q"
    )
    SurveyAnswer.objects.update(comment="Commentaire-Privé-7Q")
    laureate = published.apps[1].organisation
    laureate.contact_name = "Contact-Privé-7Q"
    laureate.contact_email = "contact@laureat.example"
    laureate.contact_phone = "0601020304"
    laureate.siret = "73282932000074"
    laureate.save()
    MembershipFactory(
        organisation=laureate,
        user__full_name="Zéphyrine Secrète",
        user__email="zephyrine@secret.example",
    )
    loser = ApplicationFactory(
        call=published.call,
        organisation=OrganisationFactory(name="Orga-Non-Retenue-7Q"),
        title="Projet-Non-Retenu-7Q",
        summary="Résumé-Non-Retenu-7Q",
        submitted=True,
        submitted_at=published.call.opens_at,
    )
    ApplicationTargetFactory(
        application=loser,
        participation=published.pa,
        eligibility="eligible",
        decision="not_selected",
    )
    unpublished_call = CallFactory(edition=published.edition, slug="appel-sans-resultats")
    participation = ParticipationFactory(
        call=unpublished_call, commune=CommuneFactory(name="Gamma", insee_code="93001")
    )
    hidden = ApplicationFactory(
        call=unpublished_call,
        organisation=OrganisationFactory(name="Orga-Pas-Publiée-7Q"),
        title="Projet-Pas-Publié-7Q",
        submitted=True,
    )
    ApplicationTargetFactory(
        application=hidden, participation=participation, decision="selected", selection_slot=1
    )
    person = ApplicationFactory(
        call=published.call,
        organisation=OrganisationFactory(
            name="Jean Personne", kind=Organisation.Kind.INDIVIDUAL, siret="12345678900011"
        ),
        title="Projet d’une personne",
        submitted=True,
        submitted_at=published.call.opens_at,
    )
    ApplicationTargetFactory(
        application=person, participation=published.pb, decision="selected", selection_slot=2
    )
    return published


def public_urls(client):
    urls = [
        "/statistiques/",
        "/statistiques/qmi2/",
        "/statistiques/qmi1/",
        "/donnees-ouvertes/",
        "/donnees-ouvertes/laureats.csv",
        "/donnees-ouvertes/laureats.json",
        "/api/",
        "/api/schema/",
        "/api/v1/editions/",
        "/api/v1/editions/qmi2/",
        "/api/v1/communes/",
        "/api/v1/communes/95018/",
        "/api/v1/calls/",
        "/api/v1/calls/appel-qmi2/",
        "/api/v1/laureates/",
        "/api/v1/laureates/?commune=95018",
    ]
    for key in ("submissions", "laureates", "kinds", "challenges", "tags"):
        urls.append(f"/statistiques/qmi2/?export={key}")
    return urls


@pytest.mark.parametrize("as_admin", [False, True])
def test_no_public_output_names_a_non_selected_application_or_a_person(client, seeded, as_admin):
    if as_admin:  # being logged in changes nothing to public outputs
        client.force_login(AdminFactory())
    for url in public_urls(client):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode("utf-8-sig")
        if "json" in response["Content-Type"]:
            body += json.dumps(response.json(), ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in body, f"{secret!r} in {url}"
    # The laureate is there, by its organisation, without its contact.
    csv = client.get("/donnees-ouvertes/laureats.csv").content.decode()
    assert "O1;73282932000074;Projet 1" in csv


def test_open_data_columns_and_rows(client, seeded):
    response = client.get("/donnees-ouvertes/laureats.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert not response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8").splitlines()
    assert lines[0] == (
        "edition;call;commune;insee_code;organisation;siret;project_title;summary;"
        "challenges;pilot_state;pilot_start;pilot_end"
    )
    assert lines[1:] == [
        "QMI2;Appel QMI2;Alpha;95018;O1;73282932000074;Projet 1;Un projet pour le quartier.;"
        "Mobilité douce;running;2025-05-12;2026-11-01",
        "QMI2;Appel QMI2;Beta;92040;O6;;Projet 6;Un projet pour le quartier.;;completed;"
        "2025-04-02;2025-10-15",
        "QMI2;Appel QMI2;Beta;92040;;;Projet d’une personne;Un projet pour le quartier.;;;;",
    ]
    data = client.get("/donnees-ouvertes/laureats.json").json()
    assert data["licence"] == "Licence Ouverte / Open Licence 2.0"
    assert [r["project_title"] for r in data["records"]] == [
        "Projet 1",
        "Projet 6",
        "Projet d’une personne",
    ]
    assert data["records"][2]["pilot_state"] is None
    assert data["records"][1]["pilot_end"] == "2025-10-15"
    page = client.get("/donnees-ouvertes/").content.decode()
    for column in data["columns"]:
        assert f"<code>{column}</code>" in page
    assert "Licence Ouverte" in page


def test_open_data_neutralises_formulas(client, seeded):
    app = seeded.apps[1]
    app.title = '=HYPERLINK("http://evil")'
    app.save()
    csv = client.get("/donnees-ouvertes/laureats.csv").content.decode()
    assert "'=HYPERLINK" in csv
    assert ";=HYPERLINK" not in csv and ';"=HYPERLINK' not in csv


def test_open_data_answers_304_when_unchanged(client, seeded):
    first = client.get("/donnees-ouvertes/laureats.csv")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get("/donnees-ouvertes/laureats.csv", HTTP_IF_NONE_MATCH=etag).status_code == 304
    again = client.get("/donnees-ouvertes/laureats.csv", HTTP_IF_MODIFIED_SINCE=modified)
    assert again.status_code == 304
    seeded.apps[1].title = "Nouveau titre"
    seeded.apps[1].save()
    changed = client.get("/donnees-ouvertes/laureats.csv", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_public_statistics_page_in_english(client, published):
    client.cookies.load({"django_language": "en"})
    html = client.get("/statistiques/qmi2/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="en"' in html
