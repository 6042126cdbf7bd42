"""Public pages of issue 14.9: laureates first on a call with published results, the
commune page, the help page and the generated rules PDF."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applications.models import ApplicationTarget
from calls.models import Tag
from experimentations.models import Pilot
from tests.experimentations.conftest import PilotWorld
from tests.factories import (
    AdminFactory,
    ApplicationTargetFactory,
    CallFactory,
    ChallengeFactory,
    CommuneFactory,
    CriterionFactory,
    EditionFactory,
    ParticipationFactory,
)
from tests.typography import plain

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _text(html):
    """The page's text: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", plain(html)).split())


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    return response, len(captured.captured_queries)


def _selected(call, participation, title, kind="startup", name="Vélo Vert SAS"):
    target = ApplicationTargetFactory(
        application__call=call,
        application__title=title,
        application__organisation__kind=kind,
        application__organisation__name=name,
        participation=participation,
    )
    ApplicationTarget.objects.filter(pk=target.pk).update(
        decision="selected", selection_slot=participation.targets.count()
    )
    return target


def _past_call(results=True, **kwargs):
    now = timezone.now()
    return CallFactory(
        opens_at=now - datetime.timedelta(days=90),
        closes_at=now - datetime.timedelta(days=60),
        results_published_at=now - datetime.timedelta(days=10) if results else None,
        **kwargs,
    )


# The call page.


def test_closed_call_with_results_shows_its_laureates_first(client):
    call = _past_call()
    participation = ParticipationFactory(call=call, commune=CommuneFactory(name="Argenteuil"))
    _selected(call, participation, "Compost malin")
    html = plain(client.get(call.get_absolute_url()).content.decode())
    assert "Les résultats de cet appel ont été publiés le" in html
    assert html.count("Compost malin") == 1
    assert html.index("Compost malin") < html.index("Calendrier")
    assert html.index("Compost malin") < html.index("Communes et défis")


def test_before_results_no_laureates_section_and_the_calendar_comes_first(client):
    call = _past_call(results=False)
    participation = ParticipationFactory(call=call)
    _selected(call, participation, "Compost malin")
    html = plain(client.get(call.get_absolute_url()).content.decode())
    assert "Compost malin" not in html
    assert "Les résultats de cet appel" not in html
    assert "Calendrier" in html


def test_a_laureate_that_is_a_natural_person_is_not_named(client):
    call = _past_call()
    participation = ParticipationFactory(call=call)
    _selected(call, participation, "Jardin partagé", kind="individual", name="Jeanne Martin")
    for url in (call.get_absolute_url(), participation.commune.get_absolute_url()):
        html = plain(client.get(url).content.decode())
        assert "Jardin partagé" in html
        assert "Jeanne Martin" not in html
        assert "une personne physique" in html


# The commune page.


def test_commune_page_shows_each_edition_with_quarter_challenges_call_laureates_and_pilots(
    client,
):
    world = PilotWorld()
    commune = world.a.commune
    Pilot.objects.filter(pk=world.pilot_a.pk).update(
        state=Pilot.State.RUNNING, actual_start=datetime.date(2025, 3, 1)
    )
    ChallengeFactory(participation=world.a, title="Relier le quartier au RER")
    older = EditionFactory(code="QMI0", number=0, name="Édition zéro")
    old_call = _past_call(edition=older, title="Appel d'autrefois")
    ParticipationFactory(
        call=old_call, edition=older, commune=commune, quarter_name="Quartier des Coteaux"
    )
    page = client.get(reverse("calls:commune_detail", args=[commune.slug]))
    assert page.status_code == 200
    html = plain(page.content.decode())
    assert world.a.quarter_name in html and "Quartier des Coteaux" in html
    assert "Relier le quartier au RER" in html
    assert world.call.title in html and "Appel d'autrefois" in html
    # Latest edition first.
    assert html.index(world.a.quarter_name) < html.index("Quartier des Coteaux")
    assert world.pilot_a.application.title in html
    assert "En cours" in html
    assert "1 projet lauréat" in _text(html) and "1 expérimentation en cours" in _text(html)
    # Another commune's laureate is not listed here.
    assert world.pilot_b.application.title not in html
    assert "Aucun projet lauréat n'est publié pour cette édition." in html  # the old call


def test_commune_page_hides_a_draft_call_and_unpublished_results(client):
    commune = CommuneFactory(name="Sucy-en-Brie", slug="sucy-en-brie")
    draft = CallFactory(published_at=None, title="Appel en préparation")
    ParticipationFactory(call=draft, commune=commune)
    pending = _past_call(results=False, title="Appel clos")
    participation = ParticipationFactory(call=pending, commune=commune)
    _selected(pending, participation, "Projet pas encore annoncé")
    html = plain(client.get("/communes/sucy-en-brie/").content.decode())
    assert "Appel en préparation" not in html
    assert "Appel clos" in html
    assert "Projet pas encore annoncé" not in html
    client.force_login(AdminFactory())
    assert "Appel en préparation" in client.get("/communes/sucy-en-brie/").content.decode()


def test_tags_are_listed_as_a_french_reader_expects(client):
    call = CallFactory()
    participation = ParticipationFactory(call=call)
    challenge = ChallengeFactory(participation=participation)
    for slug, name in (("m", "Mobilité"), ("e2", "Espaces publics"), ("e1", "Énergie")):
        challenge.tags.add(Tag.objects.create(slug=slug, name=name))
    challenge.tags.add(Tag.objects.create(slug="d", name="Déchets"))
    for url in (call.get_absolute_url(), participation.commune.get_absolute_url()):
        html = client.get(url).content.decode()
        positions = [html.index(name) for name in ("Déchets", "Énergie", "Espaces", "Mobilité")]
        assert positions == sorted(positions), url


@pytest.mark.parametrize("laureates", [1, 8])
def test_commune_page_queries_do_not_grow_with_laureates(
    client, django_assert_max_num_queries, laureates
):
    world = PilotWorld(laureates_per_commune=laureates)
    for participation in (world.a,):
        for index in range(laureates):
            challenge = ChallengeFactory(participation=participation)
            challenge.tags.add(Tag.objects.get_or_create(slug=f"t{index}", name=f"T{index}")[0])
    client.force_login(world.admin)  # not cached
    with django_assert_max_num_queries(13):
        assert client.get(world.a.commune.get_absolute_url()).status_code == 200


# Caching, per language, like the other public pages.


@pytest.mark.parametrize("page", ["commune", "commune_list", "edition", "editions", "help"])
def test_new_public_pages_are_cached_until_their_content_changes(client, page):
    call = CallFactory(title="Appel des quartiers")
    participation = ParticipationFactory(call=call)
    url = {
        "commune": participation.commune.get_absolute_url(),
        "commune_list": reverse("calls:commune_list"),
        "edition": call.edition.get_absolute_url(),
        "editions": reverse("calls:edition_list"),
        "help": reverse("calls:help"),
    }[page]
    _get(client, url)
    again, queries = _get(client, url)
    assert queries == 0
    french, _queries = _get(client, url, HTTP_ACCEPT_LANGUAGE="fr")
    english, _queries = _get(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert french.content != english.content
    participation.commune.name = "Commune renommée"
    participation.commune.save()
    call.edition.name = "Édition renommée"
    call.edition.save()
    call.title = "Appel renommé"
    call.save()
    fresh, queries = _get(client, url)
    assert queries > 0
    assert any(
        new in fresh.content.decode()
        for new in ("Commune renommée", "Édition renommée", "Appel renommé")
    )


# The help page.


def test_help_page_answers_the_questions_candidates_ask(client, settings):
    response = client.get(reverse("calls:help"))
    html = plain(response.content.decode())
    assert response.status_code == 200
    for question in (
        "Qui peut candidater ?",
        "Comment candidater ?",
        "Quelles sont les dates limites ?",
        "Quelles pièces faut-il fournir ?",
        "Que se passe-t-il après le dépôt ?",
        "Qui contacter ?",
    ):
        assert question in html
    assert settings.QMI_PUBLISHER["contact_email"] in html
    assert reverse("accessibility") in html and reverse("privacy") in html
    assert "Paris&amp;Co" in html  # a programme partner, from the press release
    assert "10 Mo" in html


def test_help_page_lists_open_calls_with_their_deadline_in_paris_time(client, time_machine):
    closes = datetime.datetime(2025, 3, 17, 23, 59, tzinfo=PARIS)
    time_machine.move_to(closes - datetime.timedelta(days=3))
    CallFactory(
        title="QMI2 – phase 2",
        opens_at=closes - datetime.timedelta(days=30),
        closes_at=closes,
        required_documents="Extrait Kbis et budget prévisionnel.",
    )
    html = plain(client.get(reverse("calls:help")).content.decode())
    assert "QMI2 – phase 2" in html
    assert "17 mars 2025 à 23 h 59 (heure de Paris)" in html
    assert "Extrait Kbis et budget prévisionnel." in html
    time_machine.move_to(closes)
    html = plain(client.get(reverse("calls:help")).content.decode())
    assert "Aucun appel à projets n'est ouvert en ce moment." in html


@pytest.mark.parametrize("rows", [1, 15])
def test_help_page_queries_do_not_grow_with_calls(client, django_assert_max_num_queries, rows):
    for _index in range(rows):
        call = CallFactory(required_documents="Kbis")
        ParticipationFactory(call=call)
    client.force_login(AdminFactory())
    with django_assert_max_num_queries(10):
        assert client.get(reverse("calls:help")).status_code == 200


# The rules PDF.


def _rules_call():
    call = CallFactory(
        title="QMI2 – Appel à projets, phase 2",
        summary="Argenteuil retiendra 6 à 8 projets.",
        eligibility="Start-up, PME et associations.",
        required_documents="Extrait Kbis, budget prévisionnel.",
        opens_at=datetime.datetime(2025, 2, 13, 9, 0, tzinfo=PARIS),
        closes_at=datetime.datetime(2025, 3, 17, 23, 59, tzinfo=PARIS),
    )
    participation = ParticipationFactory(
        call=call,
        commune=CommuneFactory(name="Argenteuil", department="Val-d'Oise"),
        quarter_name="Secteur Porte Saint-Germain",
    )
    challenge = ChallengeFactory(participation=participation, title="Végétaliser les cours")
    challenge.tags.add(Tag.objects.create(slug="nature", name="Nature en ville"))
    CriterionFactory(call=call, name="Innovation", weight=3)
    call.questions.create(question="L'expérimentation est-elle rémunérée ?", answer="Non.")
    call.questions.create(question="Question interne", answer="x", is_published=False)
    return call


def _pdf_text(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return plain("\n".join(page.extract_text() for page in reader.pages)), reader


def test_rules_pdf_is_generated_from_the_calls_data(client):
    call = _rules_call()
    response = client.get(reverse("calls:call_rules", args=[call.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="reglement-{call.slug}.pdf"' in response["Content-Disposition"]
    text, reader = _pdf_text(response)
    flat = " ".join(text.split())
    assert "Métropole du Grand Paris" in flat
    assert "QMI2 – Appel à projets, phase 2" in flat
    assert "17 mars 2025 à 23 h 59 (heure de Paris)" in flat
    assert "Argenteuil (Val-d'Oise)" in flat
    assert "Secteur Porte Saint-Germain" in flat
    assert "Végétaliser les cours (Nature en ville)" in flat
    assert "Start-up, PME et associations." in flat
    assert "Extrait Kbis, budget prévisionnel." in flat
    assert "Innovation (pondération 3)" in flat
    assert "L'expérimentation est-elle rémunérée ?" in flat
    assert "Question interne" not in flat
    assert "De 6 à 8 projets retenus." in flat
    assert "Page 1 sur" in flat
    assert reader.metadata.title and "QMI2" in reader.metadata.title


def test_rules_pdf_follows_the_readers_language(client):
    call = _rules_call()
    text, _reader = _pdf_text(
        client.get(reverse("calls:call_rules", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="en")
    )
    flat = " ".join(text.split())
    assert "Rules of the call for projects" in flat
    assert "March 17, 2025" in flat or "17 March 2025" in flat
    assert "Secteur Porte Saint-Germain" in flat  # typed data stays as typed


def test_an_uploaded_rules_file_wins_and_a_lost_one_falls_back_to_the_generated_rules(client):
    call = _rules_call()
    uploaded = b"%PDF-1.4\n% uploaded rules\n%%EOF\n"
    call.rules_document.save("rules.pdf", ContentFile(uploaded))
    response = client.get(reverse("calls:call_rules", args=[call.slug]))
    assert b"".join(response.streaming_content) == uploaded
    call.rules_document.storage.delete(call.rules_document.name)
    call.title = "Titre changé"
    call.save()
    text, _reader = _pdf_text(client.get(reverse("calls:call_rules", args=[call.slug])))
    assert "Titre changé" in text


def test_rules_pdf_of_a_draft_call_is_not_public(client):
    call = _rules_call()
    call.published_at = None
    call.save()
    assert client.get(reverse("calls:call_rules", args=[call.slug])).status_code == 404
    client.force_login(AdminFactory())
    assert client.get(reverse("calls:call_rules", args=[call.slug])).status_code == 200


def test_rules_pdf_is_cached_for_visitors_and_regenerated_after_a_change(client):
    call = _rules_call()
    url = reverse("calls:call_rules", args=[call.slug])
    _first, cold = _get(client, url)
    second, warm = _get(client, url)
    assert warm < cold  # only the visibility check, no document read
    criterion = call.criteria.get()
    criterion.name = "Impact"
    criterion.save()
    text, _reader = _pdf_text(client.get(url))
    assert "Impact (pondération 3)" in " ".join(text.split())
    assert "Innovation (pondération" not in text


def test_call_page_always_offers_the_rules(client):
    call = CallFactory()
    html = client.get(call.get_absolute_url()).content.decode()
    assert reverse("calls:call_rules", args=[call.slug]) in html
    assert reverse("calls:help") in html


def test_commune_list_names_each_communes_latest_quarter_and_home_links_to_help(client):
    commune = CommuneFactory(name="Argenteuil")
    old = EditionFactory(code="QMI0", number=0)
    ParticipationFactory(call=None, edition=old, commune=commune, quarter_name="Ancien quartier")
    ParticipationFactory(commune=commune, quarter_name="Secteur Porte Saint-Germain")
    html = plain(client.get(reverse("calls:commune_list")).content.decode())
    assert "Quartier d'innovation : Secteur Porte Saint-Germain" in html
    assert "Ancien quartier" not in html
    assert reverse("calls:help") in client.get("/").content.decode()
