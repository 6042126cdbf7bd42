import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicationTarget
from tests.calls.conftest import make_calls
from tests.factories import (
    ApplicationTargetFactory,
    CallFactory,
    CommuneFactory,
    EditionFactory,
    ParticipationFactory,
)
from tests.typography import plain

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def test_call_page_shows_deadline_countdown_communes_and_apply_button(client):
    now = timezone.now()
    closes = now + datetime.timedelta(days=3, hours=2)
    call = CallFactory(closes_at=closes, summary="Des solutions pour le quartier.")
    participation = ParticipationFactory(
        call=call,
        quarter_name="Secteur Porte Saint-Germain",
        commune=CommuneFactory(name="Argenteuil"),
    )
    call.questions.create(question="Qui peut candidater ?", answer="Tout le monde.")
    call.questions.create(question="Brouillon de question", answer="x", is_published=False)
    with time_machine.travel(now, tick=False):
        response = client.get(call.get_absolute_url())
    html = plain(response.content.decode())
    assert response.status_code == 200
    assert "heure de Paris" in html
    assert "Plus que 3 jours 2 heures" in html
    assert "Secteur Porte Saint-Germain" in html and participation.commune.name in html
    assert reverse("applications:start", args=[call.slug]) in html
    assert "Déposer une candidature" in html
    assert "Qui peut candidater ?" in html
    assert "Brouillon de question" not in html
    assert '<meta name="description" content="' + call.title in html
    assert f'rel="canonical" href="http://testserver{call.get_absolute_url()}"' in html or (
        'rel="canonical"' in html
    )


def test_closed_call_has_a_clear_closed_state_and_no_apply_button(client):
    call = CallFactory(
        opens_at=timezone.now() - datetime.timedelta(days=20),
        closes_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    html = plain(client.get(call.get_absolute_url()).content.decode())
    assert "Cet appel est clos" in html
    assert "Déposer une candidature" not in html
    assert reverse("applications:start", args=[call.slug]) not in html


def test_upcoming_call_has_no_apply_button(client):
    call = CallFactory(
        opens_at=timezone.now() + datetime.timedelta(days=2),
        closes_at=timezone.now() + datetime.timedelta(days=20),
    )
    html = plain(client.get(call.get_absolute_url()).content.decode())
    assert "pas encore ouvert" in html
    assert "Déposer une candidature" not in html


def test_draft_call_is_invisible_to_public_and_commune_staff(client, draft_call, commune_staff):
    participation = draft_call.participations.get()
    urls = [
        draft_call.get_absolute_url(),
        reverse("calls:call_rules", args=[draft_call.slug]),
    ]
    for user in (None, commune_staff):
        if user:
            client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
        for listing in (
            reverse("calls:call_list"),
            reverse("home"),
            draft_call.edition.get_absolute_url(),
            participation.commune.get_absolute_url(),
            reverse("sitemap"),
        ):
            assert "Appel secret" not in client.get(listing).content.decode()
            assert draft_call.slug not in client.get(listing).content.decode()


def test_admin_previews_a_draft(client, draft_call, admin_user):
    client.force_login(admin_user)
    response = client.get(draft_call.get_absolute_url())
    assert response.status_code == 200
    assert "Brouillon" in response.content.decode()


def test_rules_download_served_by_a_view(client, settings):
    from django.core.files.base import ContentFile

    call = CallFactory()
    call.rules_document.save("rules.pdf", ContentFile(PDF))
    response = client.get(reverse("calls:call_rules", args=[call.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    # Without an uploaded file, the rules are generated from the call's data.
    no_rules = CallFactory()
    generated = client.get(reverse("calls:call_rules", args=[no_rules.slug]))
    assert generated.status_code == 200
    assert generated.content.startswith(b"%PDF-") and generated.content != PDF


def test_calls_list_sorts_open_upcoming_closed(client):
    now = timezone.now()
    CallFactory(title="Ouvert A")
    CallFactory(
        title="Futur B",
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=9),
    )
    CallFactory(
        title="Passé C",
        opens_at=now - datetime.timedelta(days=9),
        closes_at=now - datetime.timedelta(days=1),
    )
    html = client.get(reverse("calls:call_list")).content.decode()
    assert html.index("Ouvert A") < html.index("Futur B") < html.index("Passé C")


def test_home_lists_open_calls_with_countdown_and_past_editions(client):
    CallFactory(title="Appel ouvert")
    EditionFactory(name="Édition passée", ends_on=datetime.date(2025, 2, 13))
    html = client.get(reverse("home")).content.decode()
    assert "Appel ouvert" in html and "data-countdown" in html
    assert "Édition passée" in html


def test_unknown_slugs_give_404(client):
    for name in ("call_detail", "edition_detail", "commune_detail", "call_rules"):
        assert client.get(reverse(f"calls:{name}", args=["nope"])).status_code == 404


def laureate(results_published):
    call = CallFactory(
        opens_at=timezone.now() - datetime.timedelta(days=60),
        closes_at=timezone.now() - datetime.timedelta(days=30),
        results_published_at=timezone.now() if results_published else None,
    )
    target = ApplicationTargetFactory(application__call=call, application__title="Compost malin")
    ApplicationTarget.objects.filter(pk=target.pk).update(decision="selected", selection_slot=1)
    return target


@pytest.mark.parametrize("published", [True, False])
def test_laureates_shown_once_results_published(client, published):
    from calls.selectors import laureates

    target = laureate(published)
    call = target.application.call
    participation = target.participation
    pages = [
        call.get_absolute_url(),
        participation.commune.get_absolute_url(),
        participation.edition.get_absolute_url(),
    ]
    for url in pages:
        assert ("Compost malin" in client.get(url).content.decode()) is published
    assert list(laureates(call=call)) == ([target] if published else [])
    assert list(laureates(commune=participation.commune)) == ([target] if published else [])
    assert list(laureates(edition=participation.edition)) == ([target] if published else [])


def test_laureates_ignores_other_decisions():
    from calls.selectors import laureates

    target = laureate(True)
    ApplicationTarget.objects.filter(pk=target.pk).update(decision="waiting", selection_slot=None)
    assert not laureates().exists()


def test_sitemap_lists_published_calls_editions_communes(client):
    call = CallFactory()
    participation = ParticipationFactory(call=call)
    xml = client.get(reverse("sitemap")).content.decode()
    for url in (
        call.get_absolute_url(),
        call.edition.get_absolute_url(),
        participation.commune.get_absolute_url(),
        reverse("calls:call_list"),
    ):
        assert url in xml


# Constant query counts: the same bound with 1 and 20 rows.


def page_urls(calls):
    call = calls[0]
    commune = call.participations.first().commune
    return [
        reverse("home"),
        reverse("calls:call_list"),
        reverse("calls:edition_list"),
        reverse("calls:commune_list"),
        call.edition.get_absolute_url(),
        commune.get_absolute_url(),
        call.get_absolute_url(),
    ]


@pytest.mark.parametrize("rows", [1, 20])
@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_public_pages_constant_queries(
    client, django_assert_max_num_queries, rows, who, admin_user
):
    now = timezone.now()
    edition = EditionFactory()
    calls = make_calls(rows, edition=edition)
    make_calls(
        rows,
        edition=edition,
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=5),
    )
    make_calls(
        rows,
        edition=edition,
        opens_at=now - datetime.timedelta(days=9),
        closes_at=now - datetime.timedelta(days=5),
    )
    for index in range(rows):
        EditionFactory(ends_on=datetime.date(2025, 1, 2))
        if index:
            ParticipationFactory(call=calls[0], commune=CommuneFactory())
    if who == "admin":
        client.force_login(admin_user)
    for url in page_urls(calls):
        # +2 fixed queries on edition pages: pilots deployed and satisfaction rate.
        with django_assert_max_num_queries(14 if who == "admin" else 12):
            assert client.get(url).status_code == 200
