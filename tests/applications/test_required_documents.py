"""Typed documents a call requires besides the pitch deck (a Kbis, a budget...)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Attachment
from calls.models import DocumentType
from tests.applications.candidate_factories import PDF_BYTES, complete_draft, member_of
from tests.typography import plain

pytestmark = pytest.mark.django_db


def step_url(application, step):
    return reverse("applications:step", args=[application.pk, step])


def submit(client, application):
    return client.post(
        step_url(application, "validation"),
        {
            "accept_rules": "on",
            "accept_privacy": "on",
            "version": application.version,
            "go": "submit",
        },
    )


def upload(client, application, kind, name="kbis.pdf"):
    return client.post(
        reverse("applications:attachment_upload", args=[application.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, PDF_BYTES, "application/pdf")},
    )


@pytest.fixture
def asked():
    application = complete_draft()
    kbis = DocumentType.objects.create(call=application.call, name="Extrait Kbis", order=1)
    budget = DocumentType.objects.create(call=application.call, name="Budget détaillé", order=2)
    return application, kbis, budget


def test_submission_is_refused_naming_each_missing_document(client, asked):
    application, kbis, budget = asked
    client.force_login(member_of(application.organisation))
    response = submit(client, application)
    application.refresh_from_db()
    assert application.state == "draft"
    page = plain(client.get(response["Location"]).content.decode())
    assert "Il manque" in page and "Extrait Kbis" in page and "Budget détaillé" in page


def test_each_document_is_offered_uploaded_and_then_submission_succeeds(client, asked):
    application, kbis, budget = asked
    client.force_login(member_of(application.organisation))
    page = client.get(step_url(application, "pieces")).content.decode()
    assert f'value="doc-{kbis.pk}"' in page and f'value="doc-{budget.pk}"' in page
    assert "Extrait Kbis" in plain(page)
    assert upload(client, application, f"doc-{kbis.pk}").status_code == 302
    attachment = Attachment.objects.get(document_type=kbis)
    assert attachment.label == "Extrait Kbis"
    checklist = plain(client.get(step_url(application, "validation")).content.decode())
    assert "Budget détaillé" in checklist
    upload(client, application, f"doc-{budget.pk}", "budget.pdf")
    application.refresh_from_db()
    submit(client, application)
    application.refresh_from_db()
    assert application.state == "submitted"


def test_another_calls_document_cannot_be_claimed(client, asked):
    application, kbis, budget = asked
    foreign = DocumentType.objects.create(call=complete_draft().call, name="Autre")
    client.force_login(member_of(application.organisation))
    response = upload(client, application, f"doc-{foreign.pk}")
    assert response.status_code == 400
    assert not Attachment.objects.filter(document_type=foreign).exists()


def test_a_submitted_application_keeps_its_last_required_document(client, asked):
    application, kbis, budget = asked
    client.force_login(member_of(application.organisation))
    upload(client, application, f"doc-{kbis.pk}")
    upload(client, application, f"doc-{budget.pk}", "budget.pdf")
    application.refresh_from_db()
    submit(client, application)
    attachment = Attachment.objects.get(document_type=kbis)
    response = client.post(
        reverse("applications:attachment_delete", args=[application.pk, attachment.pk])
    )
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert "Extrait Kbis" in plain(client.get(response["Location"]).content.decode())


def test_a_call_without_documents_asks_only_for_the_pitch_deck(client):
    application = complete_draft()
    client.force_login(member_of(application.organisation))
    submit(client, application)
    application.refresh_from_db()
    assert application.state == "submitted"


def test_admins_set_the_documents_of_a_call_in_the_back_office(client, admin_user, asked):
    application, kbis, budget = asked
    call = application.call
    client.force_login(admin_user)
    url = reverse("backoffice:call_documents", args=[call.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Extrait Kbis" in plain(page.content.decode())
    data = {
        "documents-TOTAL_FORMS": "3",
        "documents-INITIAL_FORMS": "2",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "1000",
        "documents-0-id": kbis.pk,
        "documents-0-name": "Extrait Kbis de moins de 3 mois",
        "documents-0-order": "1",
        "documents-1-id": budget.pk,
        "documents-1-name": "Budget détaillé",
        "documents-1-order": "2",
        "documents-1-DELETE": "on",
        "documents-2-name": "Attestation URSSAF",
        "documents-2-order": "3",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert list(call.document_types.values_list("name", flat=True)) == [
        "Extrait Kbis de moins de 3 mois",
        "Attestation URSSAF",
    ]
    detail = plain(client.get(reverse("backoffice:call_detail", args=[call.pk])).content.decode())
    assert "Attestation URSSAF" in detail
    # A missing name: a message, nothing saved, no 500.
    data["documents-2-name"] = ""
    data["documents-2-description"] = "sans nom"
    assert client.post(url, data).status_code == 400


def test_only_metropolis_admins_edit_the_documents(client, asked):
    application, kbis, budget = asked
    client.force_login(member_of(application.organisation))
    url = reverse("backoffice:call_documents", args=[application.call.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403


def test_the_django_admin_edits_them_inline(client, admin_user, asked):
    application, kbis, budget = asked
    client.force_login(admin_user)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    page = client.get(reverse("admin:calls_call_change", args=[application.call.pk]))
    assert page.status_code == 200
    assert "document_types-0-name" in page.content.decode()
