import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Attachment
from applications.services.submission import submit_application
from tests.applications.candidate_factories import (
    PDF_BYTES,
    PNG_BYTES,
    complete_draft,
    member_of,
    office_bytes,
)
from tests.factories import ApplicationFactory, TeamMembershipFactory, UserFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db


def upload(client, application, name, content, kind="pitch_deck"):
    return client.post(
        reverse("applications:attachment_upload", args=[application.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


@pytest.fixture
def draft_and_member(client):
    application = ApplicationFactory()
    member = member_of(application.organisation)
    client.force_login(member)
    return application, member


def test_a_pdf_is_stored_privately_and_downloaded_byte_for_byte(client, draft_and_member, settings):
    application, _member = draft_and_member
    content = PDF_BYTES + os.urandom(2048)
    response = upload(client, application, "Pitch deck.pdf", content)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "Pitch deck.pdf"
    # Stored under a random name inside MEDIA_ROOT, never under the uploaded name.
    assert "Pitch" not in attachment.file.name
    assert os.path.exists(os.path.join(settings.MEDIA_ROOT, attachment.file.name))
    download = client.get(reverse("applications:attachment_download", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"


def test_an_html_file_named_pdf_is_refused(client, draft_and_member):
    application, _ = draft_and_member
    html = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
    response = upload(client, application, "deck.pdf", html)
    assert response.status_code == 400
    assert "Type de fichier refusé" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_fake_pdf_header_elsewhere_is_refused(client, draft_and_member):
    application, _ = draft_and_member
    response = upload(client, application, "deck.pdf", b"xx%PDF-1.4 trailing")
    assert response.status_code == 400


def test_an_oversized_file_is_refused(client, draft_and_member):
    application, _ = draft_and_member
    big = PDF_BYTES + b"0" * (10 * 1024 * 1024)
    response = upload(client, application, "deck.pdf", big)
    assert response.status_code == 400
    assert "10 Mo" in plain(response.content.decode())
    assert not Attachment.objects.exists()


def test_an_empty_file_is_refused(client, draft_and_member):
    application, _ = draft_and_member
    response = upload(client, application, "deck.pdf", b"")
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_path_traversal_in_the_name_is_neutralised(client, draft_and_member, settings):
    application, _ = draft_and_member
    response = upload(client, application, "../../../etc/passwd\x00.pdf", PDF_BYTES)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert "/" not in attachment.original_name and ".." not in attachment.original_name
    assert attachment.original_name.endswith(".pdf")
    stored = os.path.realpath(os.path.join(settings.MEDIA_ROOT, attachment.file.name))
    assert stored.startswith(os.path.realpath(settings.MEDIA_ROOT))
    backslashes = upload(client, application, "..\\..\\windows\\evil.pdf", PDF_BYTES)
    assert backslashes.status_code == 302
    assert Attachment.objects.get().original_name == "evil.pdf"  # replaced the previous deck


def test_other_types_are_accepted_as_other_documents(client, draft_and_member):
    application, _ = draft_and_member
    assert upload(client, application, "plan.png", PNG_BYTES, kind="other").status_code == 302
    assert (
        upload(
            client, application, "budget.xlsx", office_bytes("xl/workbook.xml"), "other"
        ).status_code
        == 302
    )
    assert upload(client, application, "lettre.docx", office_bytes(), "other").status_code == 302
    types = set(Attachment.objects.values_list("content_type", flat=True))
    assert types == {
        "image/png",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }


def test_a_plain_zip_named_docx_is_refused(client, draft_and_member):
    application, _ = draft_and_member
    response = upload(client, application, "lettre.docx", office_bytes("other.txt"), "other")
    assert response.status_code == 400


def test_the_pitch_deck_must_be_a_pdf(client, draft_and_member):
    application, _ = draft_and_member
    response = upload(client, application, "deck.png", PNG_BYTES)
    assert response.status_code == 400
    assert "doit être un PDF" in response.content.decode()


def test_downloads_only_for_those_who_may_see_the_application(client):
    application = complete_draft()
    attachment = application.attachments.get()
    url = reverse("applications:attachment_download", args=[attachment.pk])
    commune = application.targets.get().participation.commune
    staff = TeamMembershipFactory(commune=commune).user
    other_staff = TeamMembershipFactory().user

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 404  # a draft is never shown to staff
    member = member_of(application.organisation)
    submit_application(application=application, user=member)
    assert client.get(url).status_code == 200
    client.force_login(other_staff)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_failed_upload_loses_nothing_saved(client, draft_and_member):
    application, _ = draft_and_member
    upload(client, application, "deck.pdf", PDF_BYTES)
    response = upload(client, application, "deck.pdf", b"<html>")
    assert response.status_code == 400
    assert Attachment.objects.get().original_name == "deck.pdf"


def test_a_submitted_application_keeps_its_pitch_deck(client):
    """Deleting the only pitch deck is refused once submitted; replacing it still works."""
    application = complete_draft()
    member = member_of(application.organisation)
    application = submit_application(application=application, user=member)
    client.force_login(member)
    deck = application.attachments.get(kind=Attachment.Kind.PITCH_DECK)
    version = application.version
    delete_url = reverse("applications:attachment_delete", args=[application.pk, deck.pk])

    response = client.post(delete_url, follow=True)
    assert response.status_code == 200
    assert "elle remplacera l" in response.content.decode()
    assert Attachment.objects.filter(pk=deck.pk).exists()
    application.refresh_from_db()
    assert application.version == version  # nothing recorded either

    assert upload(client, application, "nouveau.pdf", PDF_BYTES).status_code == 302
    new_deck = application.attachments.get(kind=Attachment.Kind.PITCH_DECK)
    assert new_deck.original_name == "nouveau.pdf"
    assert not Attachment.objects.filter(pk=deck.pk).exists()
    # Other documents of a submitted application may still be deleted.
    upload(client, application, "annexe.png", PNG_BYTES, kind="other")
    other = application.attachments.get(kind="other")
    client.post(reverse("applications:attachment_delete", args=[application.pk, other.pk]))
    assert list(application.attachments.all()) == [new_deck]


def test_a_draft_may_delete_its_pitch_deck(client, draft_and_member):
    application, _ = draft_and_member
    upload(client, application, "deck.pdf", PDF_BYTES)
    deck = Attachment.objects.get()
    client.post(reverse("applications:attachment_delete", args=[application.pk, deck.pk]))
    assert not Attachment.objects.exists()


def _bomb(expanded_mb, main_part="word/document.xml"):
    """An Office-looking zip whose main part expands to ``expanded_mb`` MB of zeros."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(main_part, "w", force_zip64=True) as part:
            chunk = bytes(1024 * 1024)
            for _ in range(expanded_mb):
                part.write(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "main_part", "expanded_mb"),
    [
        ("lettre.docx", "word/document.xml", 200),  # 200 KB expanding to 200 MB
        ("budget.xlsx", "xl/workbook.xml", 5),  # small, but compressed a thousandfold
    ],
)
def test_a_zip_bomb_renamed_as_an_office_file_is_refused(
    client, draft_and_member, name, main_part, expanded_mb
):
    application, _ = draft_and_member
    content = _bomb(expanded_mb, main_part)
    assert len(content) < 1024 * 1024  # under the upload limit: only the archive check stops it
    response = upload(client, application, name, content, "other")
    assert response.status_code == 400
    assert "anormal" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_ordinary_office_document_is_not_mistaken_for_a_bomb(client, draft_and_member):
    import io
    import random
    import zipfile

    application, _ = draft_and_member
    words = ["quartier", "mobilité", "expérimentation", "commune", "capteurs", "usagers"]
    rng = random.Random(1)
    text = " ".join(rng.choice(words) for _ in range(400_000))  # about 4 MB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<document>{text}</document>")
    response = upload(client, application, "rapport.docx", buffer.getvalue(), "other")
    assert response.status_code == 302
    assert Attachment.objects.get().content_type.endswith("wordprocessingml.document")
