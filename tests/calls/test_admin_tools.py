"""Issue 14.7: the outbox in the back-office menu with its failed count, "0" rather than
blanks, a rules file that survives a form error, rows added without reloading."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from calls.models import Call
from notifications.models import OutboxMessage
from tests.calls.test_backoffice import call_form_data
from tests.factories import EditionFactory, ParticipationFactory
from tests.notifications.test_views import make_messages
from tests.typography import plain

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% rules of the call\n%%EOF\n"


def test_the_backoffice_menu_leads_to_the_outbox_with_the_failed_count(client, admin_user):
    client.force_login(admin_user)
    page = plain(client.get(reverse("backoffice:home")).content.decode())
    assert f'href="{reverse("notifications:outbox")}"' in page
    assert "0 en échec" in page
    make_messages(2, state=OutboxMessage.State.FAILED)
    make_messages(3, state=OutboxMessage.State.SENT)
    page = plain(client.get(reverse("backoffice:call_list")).content.decode())
    assert "2 en échec" in page
    # The outbox keeps the back-office menu, its entry marked as the current page.
    outbox = client.get(reverse("notifications:outbox")).content.decode()
    assert f'href="{reverse("notifications:outbox")}" aria-current="page"' in outbox


def test_outbox_counts_show_zero_rather_than_nothing(client, admin_user):
    make_messages(2, state=OutboxMessage.State.SENT)
    client.force_login(admin_user)
    page = plain(client.get(reverse("notifications:outbox")).content.decode())
    assert "en échec</a> : 0" in page
    assert "en attente</a> : 0" in page
    assert "envoyé</a> : 2" in page


def _call_post(client, data, pdf=None):
    if pdf is not None:
        data = {
            **data,
            "rules_document": SimpleUploadedFile("reglement.pdf", pdf, "application/pdf"),
        }
    return client.post(reverse("backoffice:call_create"), data)


def test_a_rules_file_survives_a_form_error(client, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    edition = EditionFactory()
    participation = ParticipationFactory(call=None, edition=edition)
    client.force_login(admin_user)
    good = call_form_data(edition, [participation])
    bad = {**good, "criteria-0-weight": "0"}  # an error in the criteria, not in the file
    response = _call_post(client, bad, PDF)
    assert response.status_code == 400
    page = plain(response.content.decode())
    assert "Fichier reçu : reglement.pdf" in page
    token = response.context["form"].data["pending_rules"]
    assert f'value="{token}"' in response.content.decode()
    # The corrected form, sent without choosing the file again.
    response = _call_post(client, {**good, "pending_rules": token})
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.rules_document.name.startswith("calls/rules/reglement")
    with call.rules_document.open("rb") as stored:
        assert stored.read() == PDF


def test_a_forged_or_foreign_pending_file_is_ignored(client, admin_user, settings, tmp_path):
    from django.core import signing

    from calls.forms import PENDING_RULES_SALT

    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "secret.txt").write_text("secret")
    edition = EditionFactory()
    participation = ParticipationFactory(call=None, edition=edition)
    client.force_login(admin_user)
    data = call_form_data(edition, [participation])
    for token in ("forged", signing.dumps("secret.txt", salt=PENDING_RULES_SALT)):
        Call.objects.all().delete()
        assert _call_post(client, {**data, "pending_rules": token}).status_code == 302
        assert not Call.objects.get().rules_document


def test_a_refused_file_is_not_kept(client, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    edition = EditionFactory()
    participation = ParticipationFactory(call=None, edition=edition)
    client.force_login(admin_user)
    response = _call_post(client, call_form_data(edition, [participation]), b"not a pdf")
    assert response.status_code == 400
    assert "Le règlement doit être un fichier PDF." in plain(response.content.decode())
    assert not response.context["form"].data.get("pending_rules")


def test_formsets_offer_an_add_button_and_an_empty_row_template(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("backoffice:participation_create")).content.decode()
    assert 'data-formset-add="challenges"' in page and ">Ajouter un défi<" in page
    assert '<template id="challenges-empty">' in page
    assert 'name="challenges-__prefix__-title"' in page
    page = client.get(reverse("backoffice:call_create")).content.decode()
    assert 'data-formset-add="criteria"' in page and 'data-formset-add="questions"' in page
    assert "qmi/js/backoffice.js" in page
