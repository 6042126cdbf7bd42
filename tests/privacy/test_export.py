""" "Mes données": exactly the person's data, nothing of another organisation."""

import datetime
import io
import json
import zipfile

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Attachment
from notifications.models import OutboxMessage
from privacy.models import DataExport
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def with_file(application, name, content):
    return Attachment.objects.create(
        application=application,
        file=ContentFile(content, name=name),
        original_name=name,
        content_type="application/pdf",
        size=len(content),
        sha256="0" * 64,
    )


@pytest.fixture
def two_organisations():
    mine = MembershipFactory()
    colleague = MembershipFactory(organisation=mine.organisation, role="member")
    my_application = ApplicationFactory(organisation=mine.organisation, title="Vélos cargo")
    with_file(my_application, "pitch.pdf", b"%PDF-1.4 mon pitch")
    other = MembershipFactory()
    other_application = ApplicationFactory(organisation=other.organisation, title="Compost secret")
    with_file(other_application, "autre.pdf", b"%PDF-1.4 pas a moi")
    return mine, colleague, other


def download(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:export"))
    assert response.status_code == 302
    archive = DataExport.objects.get(user=user)
    assert archive.state == DataExport.State.READY
    page = client.get(reverse("privacy:export"))
    assert reverse("privacy:export_download", args=[archive.token]) in page.content.decode()
    response = client.get(reverse("privacy:export_download", args=[archive.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return archive, zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_archive_holds_my_data_and_files_and_nothing_of_another_organisation(
    client, two_organisations, django_capture_on_commit_callbacks
):
    mine, _colleague, other = two_organisations
    _archive, archive = download(client, mine.user, django_capture_on_commit_callbacks)
    data = json.loads(archive.read("mes-donnees.json"))
    assert data["profile"]["email"] == mine.user.email
    assert [o["organisation"]["name"] for o in data["organisations"]] == [mine.organisation.name]
    assert [a["title"] for a in data["applications"]] == ["Vélos cargo"]
    files = [name for name in archive.namelist() if name.startswith("fichiers/")]
    assert len(files) == 1 and files[0].endswith("pitch.pdf")
    assert archive.read(files[0]) == b"%PDF-1.4 mon pitch"
    everything = archive.read("mes-donnees.json").decode()
    assert other.user.email not in everything
    assert other.organisation.name not in everything
    assert "Compost secret" not in everything
    assert not any("autre.pdf" in name for name in archive.namelist())


def test_the_person_is_told_by_mail_when_it_is_ready(
    client, two_organisations, django_capture_on_commit_callbacks
):
    mine, _colleague, _other = two_organisations
    download(client, mine.user, django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get(kind="data_export_ready")
    assert message.recipient == mine.user
    assert any(reverse("privacy:export") in m.body for m in mail.outbox)


def test_nobody_else_downloads_it_and_it_expires_after_seven_days(
    client, two_organisations, django_capture_on_commit_callbacks
):
    mine, colleague, _other = two_organisations
    archive, _zip = download(client, mine.user, django_capture_on_commit_callbacks)
    url = reverse("privacy:export_download", args=[archive.token])

    client.force_login(colleague.user)  # same organisation, still not theirs
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the log-in

    client.force_login(mine.user)
    with time_machine.travel(
        archive.created_at + datetime.timedelta(days=7) - datetime.timedelta(seconds=1)
    ):
        assert client.get(url).status_code == 200
    with time_machine.travel(archive.created_at + datetime.timedelta(days=7)):
        assert client.get(url).status_code == 404


def test_a_second_request_while_one_is_being_made_makes_no_second_archive(client):
    user = UserFactory()
    client.force_login(user)
    DataExport.objects.create(
        user=user, token="t", expires_at=timezone.now() + datetime.timedelta(days=7)
    )
    client.post(reverse("privacy:export"))
    assert DataExport.objects.filter(user=user).count() == 1


def test_with_the_broker_down_the_archive_waits_and_is_made_when_it_is_back(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from privacy import tasks
    from privacy.services.export import resume_stalled_exports

    def broker_down(export_id):
        raise OperationalError("Connection refused.")

    user = UserFactory()
    client.force_login(user)
    with monkeypatch.context() as patched:
        patched.setattr(tasks.build_data_export, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("privacy:export"))
        assert response.status_code == 302  # not a 500
    archive = DataExport.objects.get(user=user)
    assert archive.state == DataExport.State.PENDING
    # Asked a minute ago: it may still be in the queue, left alone.
    assert resume_stalled_exports() == 0
    # The database's clock decides: date the request back past the delay.
    DataExport.objects.filter(pk=archive.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    assert resume_stalled_exports() == 1  # eager here: the archive is made
    archive.refresh_from_db()
    assert archive.state == DataExport.State.READY
    assert resume_stalled_exports() == 0
