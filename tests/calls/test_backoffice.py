import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from calls import services
from calls.models import Call, Challenge, Edition, Participation, Tag
from communes.models import Commune
from tests.calls.conftest import make_calls
from tests.factories import (
    CallFactory,
    CommuneFactory,
    EditionFactory,
    ParticipationFactory,
    TeamMembershipFactory,
)
from tests.typography import plain

pytestmark = pytest.mark.django_db


def backoffice_urls():
    call = CallFactory()
    participation = ParticipationFactory(call=call)
    commune = participation.commune
    membership = TeamMembershipFactory(commune=commune)
    return [
        ("get", reverse("backoffice:home")),
        ("get", reverse("backoffice:edition_list")),
        ("get", reverse("backoffice:edition_create")),
        ("get", reverse("backoffice:edition_edit", args=[call.edition.pk])),
        ("get", reverse("backoffice:commune_list")),
        ("get", reverse("backoffice:commune_create")),
        ("get", reverse("backoffice:commune_edit", args=[commune.pk])),
        ("get", reverse("communes:team", args=[commune.pk])),
        ("post", reverse("communes:member_remove", args=[commune.pk, membership.pk])),
        ("get", reverse("backoffice:participation_list")),
        ("get", reverse("backoffice:participation_create")),
        ("get", reverse("backoffice:participation_edit", args=[participation.pk])),
        ("get", reverse("backoffice:call_list")),
        ("get", reverse("backoffice:call_create")),
        ("get", reverse("backoffice:call_detail", args=[call.pk])),
        ("get", reverse("backoffice:call_edit", args=[call.pk])),
        ("post", reverse("backoffice:call_publish", args=[call.pk])),
        ("post", reverse("backoffice:call_unpublish", args=[call.pk])),
    ]


def test_anonymous_redirected_to_login(client):
    for method, url in backoffice_urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.parametrize("who", ["candidate", "commune_manager", "plain_user"])
def test_others_get_403(client, who, candidate, user):
    people = {
        "candidate": candidate,
        "plain_user": user,
        "commune_manager": TeamMembershipFactory(role="manager").user,
    }
    client.force_login(people[who])
    for method, url in backoffice_urls():
        assert getattr(client, method)(url).status_code == 403, url


def test_metropolis_admin_reaches_every_page(client, admin_user):
    client.force_login(admin_user)
    for method, url in backoffice_urls():
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_forged_ids_give_404(client, admin_user):
    client.force_login(admin_user)
    for name in (
        "edition_edit",
        "commune_edit",
        "participation_edit",
        "call_detail",
        "call_edit",
    ):
        assert client.get(reverse(f"backoffice:{name}", args=[999999])).status_code == 404
    assert client.post(reverse("backoffice:call_publish", args=[999999])).status_code == 404
    assert client.get(reverse("communes:team", args=[999999])).status_code == 404


def call_form_data(edition, participations, **overrides):
    data = {
        "edition": edition.pk,
        "title": "Appel de test",
        "slug": "appel-de-test",
        "summary": "Présentation",
        "opens_at": "2030-03-01T09:00",
        "closes_at": "2030-03-17T23:59",
        "participations": [p.pk for p in participations],
        "eligibility": "",
        "required_documents": "",
        "reminder_offsets_hours": "168, 24, 3",
        "hide_reviews_until_submitted": "on",
        "criteria-TOTAL_FORMS": "6",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "questions-0-question": "Faut-il un SIRET ?",
        "questions-0-answer": "Seulement en France.",
        "questions-0-is_published": "on",
        "questions-0-order": "1",
    }
    defaults = [
        ("Innovation", 1),
        ("Pertinence au regard des défis de la commune", 1),
        ("Faisabilité", 1),
        ("Impact, pérennité et réplicabilité", 1),
        ("Équipe", 1),
    ]
    for index, (name, weight) in enumerate(defaults):
        data[f"criteria-{index}-name"] = name
        data[f"criteria-{index}-weight"] = str(weight)
        data[f"criteria-{index}-order"] = str(index + 1)
    data["criteria-1-weight"] = "3"
    # The empty extra form, as a browser sends it.
    data.update({"criteria-5-weight": "1", "criteria-5-order": "0"})
    data.update(overrides)
    return data


def test_create_call_for_two_communes_then_publish(client, admin_user):
    edition = EditionFactory()
    first, second = (ParticipationFactory(call=None, edition=edition) for _ in range(2))
    client.force_login(admin_user)
    new_form = client.get(reverse("backoffice:call_create")).content.decode()
    assert 'value="Innovation"' in new_form  # the default criteria are proposed
    response = client.post(
        reverse("backoffice:call_create"), call_form_data(edition, [first, second])
    )
    call = Call.objects.get(slug="appel-de-test")
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:call_detail", args=[call.pk])
    assert call.published_at is None
    assert set(call.participations.all()) == {first, second}
    assert [(c.name, c.weight) for c in call.criteria.all()][:2] == [
        ("Innovation", 1),
        ("Pertinence au regard des défis de la commune", 3),
    ]
    assert call.criteria.count() == 5
    assert call.reminder_offsets_hours == [168, 24, 3]
    assert call.questions.get().question == "Faut-il un SIRET ?"
    assert timezone.localtime(call.closes_at).strftime("%H:%M %Z") == "23:59 CET"
    # Not public until published.
    client.logout()
    assert client.get(call.get_absolute_url()).status_code == 404
    client.force_login(admin_user)
    client.post(reverse("backoffice:call_publish", args=[call.pk]))
    call.refresh_from_db()
    assert call.published_at is not None
    client.logout()
    assert client.get(call.get_absolute_url()).status_code == 200


def test_call_form_errors_are_400_and_keep_the_input(client, admin_user):
    edition = EditionFactory()
    participation = ParticipationFactory(call=None, edition=edition)
    client.force_login(admin_user)
    data = call_form_data(
        edition, [participation], closes_at="2030-02-01T09:00", reminder_offsets_hours="7 jours"
    )
    response = client.post(reverse("backoffice:call_create"), data)
    html = plain(response.content.decode())
    assert response.status_code == 400
    assert "La date limite doit venir après l'ouverture" in html
    assert "Indiquez des nombres d'heures" in html
    assert 'value="Appel de test"' in html and "Faut-il un SIRET ?" in html
    assert 'href="#id_closes_at"' in html  # the error summary links to the field
    assert not Call.objects.exists()


def test_call_refuses_a_commune_of_another_edition(client, admin_user):
    edition = EditionFactory()
    other = ParticipationFactory(call=None, edition=EditionFactory())
    client.force_login(admin_user)
    response = client.post(reverse("backoffice:call_create"), call_form_data(edition, [other]))
    assert response.status_code == 400
    assert not Call.objects.exists()


def test_call_needs_a_criterion(client, admin_user):
    edition = EditionFactory()
    client.force_login(admin_user)
    data = call_form_data(edition, [])
    for index in range(5):
        data[f"criteria-{index}-DELETE"] = "on"
    response = client.post(reverse("backoffice:call_create"), data)
    assert response.status_code == 400
    assert "au moins un critère" in response.content.decode()


def test_rules_document_must_be_a_pdf(client, admin_user):
    edition = EditionFactory()
    client.force_login(admin_user)
    data = call_form_data(edition, [])
    data["rules_document"] = SimpleUploadedFile("rules.pdf", b"MZ not a pdf", "application/pdf")
    response = client.post(reverse("backoffice:call_create"), data)
    assert response.status_code == 400
    assert "doit être un fichier PDF" in response.content.decode()
    data = call_form_data(edition, [])
    data["rules_document"] = SimpleUploadedFile("r.pdf", b"%PDF-1.4 ok", "application/pdf")
    assert client.post(reverse("backoffice:call_create"), data).status_code == 302
    assert Call.objects.get().rules_document.name.endswith(".pdf")


def test_edit_call_moves_communes_and_criteria(client, admin_user):
    call = CallFactory(published_at=None)
    old = ParticipationFactory(call=call)
    new = ParticipationFactory(call=None, edition=call.edition)
    services.add_default_criteria(call)
    client.force_login(admin_user)
    page = client.get(reverse("backoffice:call_edit", args=[call.pk])).content.decode()
    assert "Innovation" in page
    criteria = list(call.criteria.all())
    data = call_form_data(call.edition, [new], slug=call.slug, title="Nouveau titre")
    data.update({"criteria-TOTAL_FORMS": "6", "criteria-INITIAL_FORMS": "5"})
    for index, criterion in enumerate(criteria):
        data[f"criteria-{index}-id"] = str(criterion.pk)
    data["criteria-4-DELETE"] = "on"
    response = client.post(reverse("backoffice:call_edit", args=[call.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    call.refresh_from_db()
    assert call.title == "Nouveau titre"
    assert list(call.participations.all()) == [new]
    old.refresh_from_db()
    assert old.call is None
    assert call.criteria.count() == 4


def test_publish_refused_without_communes(client, admin_user):
    call = CallFactory(published_at=None)
    client.force_login(admin_user)
    response = client.post(reverse("backoffice:call_publish", args=[call.pk]), follow=True)
    assert "au moins une commune" in response.content.decode()
    call.refresh_from_db()
    assert call.published_at is None


def test_publish_service_is_idempotent_and_needs_criteria():
    from django.core.exceptions import ValidationError

    call = CallFactory(published_at=None)
    ParticipationFactory(call=call)
    with pytest.raises(ValidationError):
        services.publish_call(call)
    services.add_default_criteria(call)
    first = services.publish_call(call).published_at
    assert services.publish_call(call).published_at == first


def test_create_call_service_adds_default_criteria():
    edition = EditionFactory()
    call = services.create_call(
        edition=edition,
        title="X",
        slug="x",
        opens_at=timezone.now(),
        closes_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert [c.name for c in call.criteria.all()] == [
        "Innovation",
        "Pertinence au regard des défis de la commune",
        "Faisabilité",
        "Impact, pérennité et réplicabilité",
        "Équipe",
    ]
    assert call.reminder_offsets_hours == [168, 24, 3]
    assert call.published_at is None


def test_results_link_guarded(client, admin_user):
    call = CallFactory()
    client.force_login(admin_user)
    response = client.get(reverse("backoffice:call_detail", args=[call.pk]))
    assert response.status_code == 200  # renders whether or not staff:call_results exists


def test_create_edition_and_commune(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("backoffice:edition_create"),
        {
            "number": 3,
            "code": "QMI3",
            "name": "Troisième",
            "slug": "qmi3",
            "starts_on": "2026-01-01",
        },
    )
    assert response.status_code == 302
    assert Edition.objects.get(code="QMI3").name == "Troisième"
    response = client.post(
        reverse("backoffice:commune_create"),
        {"name": "Bondy", "slug": "bondy", "insee_code": "9301", "department": "Seine-Saint-Denis"},
    )
    assert response.status_code == 400
    assert "code INSEE" in response.content.decode()
    response = client.post(
        reverse("backoffice:commune_create"),
        {
            "name": "Bondy",
            "slug": "bondy",
            "insee_code": "93010",
            "department": "Seine-Saint-Denis",
        },
    )
    assert response.status_code == 302
    assert Commune.objects.filter(slug="bondy").exists()


def test_participation_with_challenges_and_tags(client, admin_user):
    edition = EditionFactory()
    commune = CommuneFactory()
    tag = Tag.objects.create(name="Mobilité", slug="mobilite")
    client.force_login(admin_user)
    data = {
        "edition": edition.pk,
        "commune": commune.pk,
        "quarter_name": "Centre",
        "quarter_description": "",
        "quota_min": 6,
        "quota_max": 8,
        "challenges-TOTAL_FORMS": "2",
        "challenges-INITIAL_FORMS": "0",
        "challenges-MIN_NUM_FORMS": "0",
        "challenges-MAX_NUM_FORMS": "1000",
        "challenges-0-title": "Apaiser la circulation",
        "challenges-0-tags": [tag.pk],
        "challenges-0-order": "1",
        "challenges-1-order": "0",  # the empty extra form, as a browser sends it
    }
    response = client.post(reverse("backoffice:participation_create"), data)
    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert challenge.participation.commune == commune
    assert list(challenge.tags.all()) == [tag]
    # A second participation of the same commune in the same edition is refused.
    response = client.post(reverse("backoffice:participation_create"), data)
    assert response.status_code == 400
    assert Participation.objects.count() == 1
    # Quotas are checked.
    data.update({"quota_min": 9, "quota_max": 8, "edition": EditionFactory().pk})
    assert client.post(reverse("backoffice:participation_create"), data).status_code == 400


@pytest.mark.parametrize("rows", [1, 20])
def test_backoffice_lists_constant_queries(client, admin_user, django_assert_max_num_queries, rows):
    calls = make_calls(rows)
    for call in calls:
        TeamMembershipFactory(commune=call.participations.get().commune)
    client.force_login(admin_user)
    for name in ("home", "call_list", "edition_list", "commune_list", "participation_list"):
        with django_assert_max_num_queries(11):  # 10 + the failed outbox count in the menu
            assert client.get(reverse(f"backoffice:{name}")).status_code == 200
    for url in (
        reverse("backoffice:call_detail", args=[calls[0].pk]),
        reverse("communes:team", args=[calls[0].participations.get().commune_id]),
    ):
        with django_assert_max_num_queries(11):  # 10 + the failed outbox count in the menu
            assert client.get(url).status_code == 200


HUGE_ID = "9" * 30  # no database column holds it; SQLite used to answer with a 500


@pytest.mark.parametrize("field", ["edition", "participations", "criteria-0-id", "questions-0-id"])
def test_call_form_refuses_ids_no_database_holds(client, admin_user, field):
    edition = EditionFactory()
    participation = ParticipationFactory(call=None, edition=edition)
    client.force_login(admin_user)
    data = call_form_data(edition, [participation])
    data[field] = HUGE_ID
    response = client.post(reverse("backoffice:call_create"), data)
    assert response.status_code == 400
    assert 'value="Appel de test"' in response.content.decode()  # nothing typed is lost
    assert not Call.objects.exists()


@pytest.mark.parametrize("field", ["edition", "commune", "challenges-0-tags", "challenges-0-id"])
def test_participation_form_refuses_ids_no_database_holds(client, admin_user, field):
    client.force_login(admin_user)
    data = {
        "edition": EditionFactory().pk,
        "commune": CommuneFactory().pk,
        "quarter_name": "Centre",
        "quota_min": 6,
        "quota_max": 8,
        "challenges-TOTAL_FORMS": "1",
        "challenges-INITIAL_FORMS": "0",
        "challenges-MIN_NUM_FORMS": "0",
        "challenges-MAX_NUM_FORMS": "1000",
        "challenges-0-title": "Apaiser la circulation",
        "challenges-0-order": "1",
        field: HUGE_ID,
    }
    response = client.post(reverse("backoffice:participation_create"), data)
    assert response.status_code == 400
    assert not Participation.objects.exists()
