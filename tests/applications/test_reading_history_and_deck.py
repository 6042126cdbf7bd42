"""The staff page's revision history (a diff, limited to the viewer's commune) and the
pitch deck shown inline through the permission-checked view."""

import html

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import Attachment, OrganisationMembership
from applications.selectors.reading import text_diff
from applications.services.drafting import record_revision
from tests.applications.candidate_factories import PDF_BYTES, PNG_BYTES
from tests.applications.staff_helpers import World, refresh
from tests.factories import ChallengeFactory

pytestmark = pytest.mark.django_db

SECRET = "Compost partagé réservé à Argenteuil"


@pytest.fixture
def world():
    world = World()
    target_a, target_b = world.application(world.a, world.b, title="Projet vert")
    application = target_a.application
    world.owner = OrganisationMembership.objects.filter(organisation=application.organisation)
    world.owner = world.owner.first().user
    challenge_a = ChallengeFactory(participation=world.a, title="Défi des mobilités")
    challenge_b = ChallengeFactory(participation=world.b, title="Défi réservé à B")
    application.challenges.set([challenge_a, challenge_b])
    target_a.experiment_what = "Vélos cargo en libre service"
    target_a.save()
    target_b.experiment_what = SECRET
    target_b.save()
    record_revision(application, world.owner)  # version 1: the submission
    # Version 2: only what B sees changes.
    target_b.experiment_what = "Nouvelle proposition à B seulement"
    target_b.save()
    record_revision(application, world.owner)
    # Version 3: the title, which every commune sees.
    application.title = "Projet vert et solidaire"
    application.save()
    record_revision(application, world.owner)
    world.target_a, world.target_b = refresh(target_a), refresh(target_b)
    return world


def _page(client, user, target):
    client.force_login(user)
    response = client.get(reverse("staff:application", args=[target.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_history_is_a_diff_of_what_changed(client, world):
    page = _page(client, world.manager_a, world.target_a)
    history = page[page.index('id="revision-history"') :]
    assert "Version 3" in history and "Version 1" in history
    assert "<ins" in history and "solidaire</ins>" in history
    assert "Version déposée." in history


def test_another_communes_experiment_never_shows_in_the_history(client, world):
    page = _page(client, world.manager_a, world.target_a)
    assert SECRET not in page
    assert "Nouvelle proposition à B" not in page
    assert "Défi réservé à B" not in page
    # The revision that changed only B's experiment is not even listed for A.
    history = page[page.index('id="revision-history"') :]
    assert "Version 2" not in history


def test_the_commune_concerned_reads_its_own_changes(client, world):
    page = _page(client, world.manager_b, world.target_b)
    history = page[page.index('id="revision-history"') :]
    assert "Version 2" in history
    assert "seulement</ins>" in history
    assert "Argenteuil</del>" in history  # the removed text, struck through
    assert "Vélos cargo" not in page


def test_two_communes_of_the_same_name_see_neither_experiment(world):
    from applications.selectors.reading import visible_content

    name = world.target_a.participation.commune.name
    content = {
        "title": "Projet",
        "targets": [
            {"commune": name, "experiment_what": "Pour la première"},
            {"commune": name, "experiment_what": "Pour l'homonyme"},
        ],
    }
    seen = visible_content(content, world.target_a, set())
    assert "experiment_what" not in seen and "targets" not in seen
    content["targets"].pop()
    assert visible_content(content, world.target_a, set())["experiment_what"] == (
        "Pour la première"
    )


def test_text_diff_marks_removed_and_added_words():
    pieces = text_diff("Un vélo rouge en ville", "Un vélo bleu en ville")
    assert [(p.text, p.kind) for p in pieces] == [
        ("Un vélo", ""),
        ("rouge", "removed"),
        ("bleu", "added"),
        ("en ville", ""),
    ]
    assert [(p.text, p.kind) for p in text_diff("", "Nouveau")] == [("Nouveau", "added")]


def test_typed_text_in_the_history_is_escaped(client, world):
    application = world.target_a.application
    application.title = "<script>alert(1)</script>"
    application.save()
    record_revision(application, world.owner)
    client.force_login(world.manager_a)
    body = client.get(reverse("staff:application", args=[world.target_a.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def _attachment(application, content, name, content_type, kind=Attachment.Kind.OTHER):
    return Attachment.objects.create(
        application=application,
        kind=kind,
        file=ContentFile(content, name=name),
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256="0" * 64,
    )


@pytest.fixture
def deck(world):
    application = world.target_a.application
    world.pdf = _attachment(
        application, PDF_BYTES, "Deck.pdf", "application/pdf", Attachment.Kind.PITCH_DECK
    )
    world.png = _attachment(application, PNG_BYTES, "Plan.png", "image/png")
    return world


def test_a_pdf_is_shown_inline_and_framed_by_the_page(client, deck):
    page = _page(client, deck.manager_a, deck.target_a)
    url = reverse("staff:attachment_view", args=[deck.target_a.pk, deck.pdf.pk])
    assert f'<iframe src="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private, no-store"


def test_the_page_may_frame_its_own_origin_only(client, deck):
    client.force_login(deck.manager_a)
    response = client.get(reverse("staff:application", args=[deck.target_a.pk]))
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    # No frame-src nor child-src: frames fall back to default-src 'self'.
    assert "frame-src" not in policy and "child-src" not in policy
    assert policy["default-src"] == "'self'"
    # The page itself is never framed.
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_every_other_type_stays_an_attachment(client, deck):
    client.force_login(deck.manager_a)
    response = client.get(reverse("staff:attachment_view", args=[deck.target_a.pk, deck.png.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_labelled_pdf_without_pdf_content_is_downloaded(client, deck):
    fake = _attachment(deck.target_a.application, b"<html>hi</html>", "x.pdf", "application/pdf")
    client.force_login(deck.manager_a)
    response = client.get(reverse("staff:attachment_view", args=[deck.target_a.pk, fake.pk]))
    assert response["Content-Disposition"].startswith("attachment")


def test_forged_ids_give_404(client, deck):
    other = deck.application(deck.a)
    stranger = _attachment(other.application, PDF_BYTES, "Other.pdf", "application/pdf")
    client.force_login(deck.manager_a)
    # An attachment of another application through this application's page.
    url = reverse("staff:attachment_view", args=[deck.target_a.pk, stranger.pk])
    assert client.get(url).status_code == 404
    # Another commune's team.
    client.force_login(deck.manager_b)
    url = reverse("staff:attachment_view", args=[deck.target_a.pk, deck.pdf.pk])
    assert client.get(url).status_code == 404
    # A candidate.
    client.force_login(deck.owner)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
