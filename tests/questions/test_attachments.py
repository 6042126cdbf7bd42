"""Answer files: checked by content like the application's files, stored privately under a
random name, downloaded through the permission-checked view only."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from questions.models import Answer, AnswerAttachment
from tests.applications.candidate_factories import PDF_BYTES, office_bytes
from tests.questions.conftest import pdf
from tests.typography import plain

pytestmark = pytest.mark.django_db


def post(client, qw, files, body="Voir la pièce jointe."):
    prefix = f"q{qw.question.pk}"
    return client.post(
        reverse("questions:answer", args=[qw.question.pk]),
        {f"{prefix}-body": body, f"{prefix}-files": files},
    )


def test_a_pdf_is_stored_privately_and_downloaded_byte_for_byte(client, qw, settings):
    content = PDF_BYTES + os.urandom(1024)
    client.force_login(qw.member)
    assert post(client, qw, [pdf("Budget détaillé.pdf", content)]).status_code == 302
    attachment = AnswerAttachment.objects.get()
    assert attachment.original_name == "Budget détaillé.pdf"
    assert attachment.content_type == "application/pdf"
    assert "Budget" not in attachment.file.name
    assert os.path.exists(os.path.join(settings.MEDIA_ROOT, attachment.file.name))
    for reader in (qw.member, qw.world.reviewer_a):
        client.force_login(reader)
        download = client.get(reverse("questions:attachment_download", args=[attachment.pk]))
        assert b"".join(download.streaming_content) == content
        assert download["Content-Disposition"].startswith("attachment")
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Cache-Control"] == "private, no-store"


def test_office_and_image_files_are_accepted(client, qw):
    from tests.applications.candidate_factories import PNG_BYTES

    client.force_login(qw.member)
    files = [
        SimpleUploadedFile("tableau.xlsx", office_bytes("xl/workbook.xml")),
        SimpleUploadedFile("plan.png", PNG_BYTES),
    ]
    assert post(client, qw, files).status_code == 302
    assert sorted(AnswerAttachment.objects.values_list("content_type", flat=True)) == [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/png",
    ]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("page.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "Type de fichier refusé"),
        ("vide.pdf", b"", "est vide"),
        ("gros.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024), "10 Mo"),
        ("macro.docx", b"PK\x03\x04 not a zip", "Type de fichier refusé"),
    ],
)
def test_a_refused_file_refuses_the_whole_answer_and_keeps_the_text(
    client, qw, name, content, message
):
    client.force_login(qw.member)
    response = post(client, qw, [pdf(), SimpleUploadedFile(name, content)], body="Mon texte")
    assert response.status_code == 400
    body = plain(response.content)
    assert message in body
    assert "Mon texte" in body
    assert not Answer.objects.exists() and not AnswerAttachment.objects.exists()


def test_at_most_five_files(client, qw):
    client.force_login(qw.member)
    response = post(client, qw, [pdf(f"p{n}.pdf") for n in range(6)])
    assert response.status_code == 400
    assert not Answer.objects.exists()
    assert post(client, qw, [pdf(f"p{n}.pdf") for n in range(5)]).status_code == 302


def test_a_stored_name_never_carries_the_uploaded_path(client, qw):
    client.force_login(qw.member)
    post(client, qw, [pdf("../../etc/passwd.pdf")])
    attachment = AnswerAttachment.objects.get()
    assert attachment.original_name == "passwd.pdf"
    assert attachment.file.name.startswith(f"questions/{qw.question.pk}/")
    assert ".." not in attachment.file.name
