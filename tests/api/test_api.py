"""The public API: read-only, paginated, filtered, cheap to poll, open to other sites."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from experimentations.models import Pilot
from tests.factories import (
    AdminFactory,
    ApplicationFactory,
    ApplicationTargetFactory,
    CallFactory,
    ChallengeFactory,
    CommuneFactory,
    EditionFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url", ["/api/v1/editions/", "/api/v1/calls/appel-qmi2/", "/api/v1/laureates/"]
)
def test_read_only_for_everyone(client, programme, method, url):
    client.force_login(AdminFactory())
    response = getattr(client, method)(url, data="{}", content_type="application/json")
    assert response.status_code == 405


def test_an_admin_sees_what_anyone_sees(client, programme, after_deadline):
    # Decisions exist (app1 selected) but results are not published: no laureate.
    assert client.get("/api/v1/laureates/").json()["count"] == 0
    client.force_login(AdminFactory())
    assert client.get("/api/v1/laureates/").json()["count"] == 0
    draft = CallFactory(published_at=None, slug="brouillon")
    assert client.get(f"/api/v1/calls/{draft.slug}/").status_code == 404
    assert [c["slug"] for c in client.get("/api/v1/calls/").json()["results"]] == [
        "appel-qmi2",
        "appel-qmi1",
    ]


def test_laureates_after_publication(client, published):
    data = client.get("/api/v1/laureates/").json()
    assert data["count"] == 1
    assert data["results"][0] == {
        "edition": "QMI2",
        "call": "Appel QMI2",
        "commune": "Alpha",
        "insee_code": "95018",
        "organisation": "O1",
        "siret": "",
        "project_title": "Projet 1",
        "summary": "Un projet pour le quartier.",
        "challenges": "Mobilité douce",
        "pilot_state": None,
        "pilot_start": None,
        "pilot_end": None,
    }


def test_laureates_carry_their_pilot_and_filter_by_its_state(client, with_pilots):
    data = client.get("/api/v1/laureates/").json()
    assert [
        (r["project_title"], r["pilot_state"], r["pilot_start"], r["pilot_end"])
        for r in data["results"]
    ] == [
        ("Projet 1", "running", "2025-05-12", "2026-11-01"),
        ("Projet 6", "completed", "2025-04-02", "2025-10-15"),
    ]
    running = client.get("/api/v1/laureates/", {"state": "running"}).json()
    assert [r["project_title"] for r in running["results"]] == ["Projet 1"]
    assert client.get("/api/v1/laureates/", {"state": "abandoned"}).json()["count"] == 0


def test_filters(client, published):
    get = client.get
    assert get("/api/v1/laureates/", {"edition": "qmi2"}).json()["count"] == 1
    assert get("/api/v1/laureates/", {"edition": "qmi1"}).json()["count"] == 0
    assert get("/api/v1/laureates/", {"commune": "95018"}).json()["count"] == 1
    assert get("/api/v1/laureates/", {"commune": "92040"}).json()["count"] == 0
    assert get("/api/v1/calls/", {"state": "results"}).json()["count"] == 1
    assert get("/api/v1/calls/", {"state": "closed"}).json()["count"] == 1  # QMI1
    assert get("/api/v1/calls/", {"state": "open"}).json()["count"] == 0
    assert get("/api/v1/calls/", {"commune": "92040"}).json()["count"] == 1
    assert get("/api/v1/communes/", {"edition": "qmi1"}).json()["count"] == 1
    call = get("/api/v1/calls/appel-qmi2/").json()
    assert call["state"] == "results"
    assert call["closes_at"] == "2025-03-17T23:59:00+01:00"
    assert [c["insee_code"] for c in call["communes"]] == ["95018", "92040"]
    assert call["communes"][0]["challenges"][0] == {
        "title": "Mobilité douce",
        "description": "",
        "tags": ["Mobilité"],
    }


@pytest.mark.parametrize(
    "url,field",
    [
        ("/api/v1/calls/?state=someday", "state"),
        ("/api/v1/laureates/?state=flying", "state"),
        ("/api/v1/laureates/?commune=Paris", "commune"),
        ("/api/v1/communes/?edition=%%%", "edition"),
    ],
)
def test_bad_filters_are_a_400_that_names_the_field(client, programme, url, field):
    response = client.get(url)
    assert response.status_code == 400
    assert field in response.json()


def test_pagination(client, db):
    for number in range(1, 6):
        EditionFactory(number=number, code=f"E{number}", slug=f"e{number}")
    page = client.get("/api/v1/editions/", {"page_size": 2}).json()
    assert page["count"] == 5
    assert [e["code"] for e in page["results"]] == ["E5", "E4"]
    assert "page=2" in page["next"] and page["previous"] is None
    last = client.get("/api/v1/editions/", {"page_size": 2, "page": 3}).json()
    assert [e["code"] for e in last["results"]] == ["E1"] and last["next"] is None
    assert client.get("/api/v1/editions/", {"page": 9}).status_code == 404
    assert client.get("/api/v1/editions/", {"page": "abc"}).status_code == 404
    huge = client.get("/api/v1/editions/", {"page_size": 10_000}).json()
    assert len(huge["results"]) == 5


def test_unknown_addresses_are_json_404s(client, db):
    response = client.get("/api/v1/nothing/here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_etag_and_last_modified(client, published):
    first = client.get("/api/v1/laureates/")
    assert first["ETag"] and first["Last-Modified"]
    assert client.get("/api/v1/laureates/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    second = client.get("/api/v1/laureates/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert second.status_code == 304
    published.apps[1].title = "Autre titre"
    published.apps[1].save()
    third = client.get("/api/v1/laureates/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert third.status_code == 200 and third["ETag"] != first["ETag"]


def test_cors_open_for_reading(client, db):
    response = client.get("/api/v1/editions/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        "/api/v1/editions/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    csv = client.get("/donnees-ouvertes/laureats.csv", HTTP_ORIGIN="https://example.org")
    assert csv["Access-Control-Allow-Origin"] == "*"
    page = client.get("/statistiques/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in page


def test_rate_limited_per_ip(client, db, settings):
    settings.QMI_API_RATE = "3/minute"
    for _ in range(3):
        assert client.get("/api/v1/editions/", REMOTE_ADDR="10.0.0.1").status_code == 200
    blocked = client.get("/api/v1/editions/", REMOTE_ADDR="10.0.0.1")
    assert blocked.status_code == 429 and blocked["Retry-After"]
    # A forged X-Forwarded-For does not pick another bucket; another address does.
    forged = client.get("/api/v1/editions/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert forged.status_code == 429
    assert client.get("/api/v1/editions/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_schema_and_human_page(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert {
        "/api/v1/editions/",
        "/api/v1/communes/",
        "/api/v1/calls/",
        "/api/v1/laureates/",
    } <= set(schema["paths"])
    page = client.get("/api/").content.decode()
    assert "/api/schema/" in page and "120/minute" in page


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url", ["/api/v1/editions/", "/api/v1/communes/", "/api/v1/calls/", "/api/v1/laureates/"]
)
def test_list_queries_do_not_grow_with_rows(client, published, url, django_assert_max_num_queries):
    before = _count(client, url)
    for index in range(6):
        edition = EditionFactory(number=100 + index)
        call = CallFactory(
            edition=edition, results_published_at=published.call.results_published_at
        )
        participation = ParticipationFactory(call=call, commune=CommuneFactory())
        ChallengeFactory(participation=participation).tags.add(
            *published.pa.challenges.first().tags.all()
        )
        app = ApplicationFactory(call=call, submitted=True)
        app.challenges.add(participation.challenges.first())
        target = ApplicationTargetFactory(
            application=app, participation=participation, decision="selected", selection_slot=1
        )
        Pilot.objects.create(
            application=app, participation=target.participation, state=Pilot.State.RUNNING
        )
    assert _count(client, url) == before
    with django_assert_max_num_queries(8):
        client.get(url)
