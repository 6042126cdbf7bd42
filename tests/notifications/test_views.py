"""Notification list and unread count; outbox for metropolis admins; admin registration."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.models import OutboxMessage
from tests.factories import CallFactory, UserFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db


def make_messages(n, recipient=None, state=OutboxMessage.State.SENT, kind="deadline_reminder"):
    call = CallFactory()
    content_type = ContentType.objects.get_for_model(call)
    rows = []
    person = recipient or UserFactory()
    for i in range(n):
        rows.append(
            OutboxMessage.objects.create(
                recipient=person,
                recipient_email=person.email,
                kind=kind,
                content_type=content_type,
                object_id=call.pk,
                occasion=f"{kind}-{i}",
                state=state,
                subject=f"Sujet {i}",
                sent_at=timezone.now() if state == OutboxMessage.State.SENT else None,
                last_error="SMTP 421" if state == OutboxMessage.State.FAILED else "",
                context={"call_id": call.pk, "call_title": call.title, "url": "http://x/"},
            )
        )
    return rows


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/boite-d-envoi/").status_code == 302


def test_the_header_shows_the_unread_count_and_reading_clears_it(client, user):
    first, second, third = make_messages(3, recipient=user)
    make_messages(2)  # other people's
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert '3<span class="visually-hidden"> non lues</span>' in page
    assert "Sujet 0" in page and "Sujet 2" in page
    # Opening one marks it as read.
    assert client.get(f"/notifications/{first.pk}/").status_code == 200
    page = client.get("/notifications/").content.decode()
    assert '2<span class="visually-hidden"> non lues</span>' in page
    client.post("/notifications/lues/", {"message": second.pk})
    third.refresh_from_db()
    assert third.read_at is None
    client.post("/notifications/lues/")
    assert "non lues" not in client.get("/notifications/").content.decode()
    assert not OutboxMessage.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_someone_elses_notification_is_a_404_and_stays_unread(client, user):
    [other] = make_messages(1)
    client.force_login(user)
    assert client.get(f"/notifications/{other.pk}/").status_code == 404
    client.post("/notifications/lues/", {"message": other.pk})
    other.refresh_from_db()
    assert other.read_at is None
    assert client.post("/notifications/lues/", {"message": "abc"}).status_code == 404


@pytest.mark.parametrize("forged", ["²", "99999999999999999999999", "0", " "])
def test_marking_a_forged_id_as_read_is_a_404_and_marks_nothing(client, user, forged):
    [mine] = make_messages(1, recipient=user)
    client.force_login(user)
    assert client.post("/notifications/lues/", {"message": forged}).status_code == 404
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.parametrize("rows", [1, 30])
def test_the_notification_list_makes_a_constant_number_of_queries(
    client, user, rows, django_assert_max_num_queries
):
    make_messages(rows, recipient=user)
    client.force_login(user)
    with django_assert_max_num_queries(10):
        assert client.get("/notifications/").status_code == 200


def test_only_metropolis_admins_see_the_outbox(client, user, admin_user):
    [message] = make_messages(1)
    client.force_login(user)
    assert client.get("/notifications/boite-d-envoi/").status_code == 403
    assert client.get(f"/notifications/boite-d-envoi/{message.pk}/").status_code == 403
    assert client.post("/notifications/boite-d-envoi/renvoyer/").status_code == 403
    client.force_login(admin_user)
    assert client.get("/notifications/boite-d-envoi/").status_code == 200
    assert client.get("/notifications/boite-d-envoi/999999/").status_code == 404


def test_the_outbox_filters_by_state_and_kind_and_shows_a_message(client, admin_user):
    make_messages(2, state=OutboxMessage.State.SENT)
    [failed] = make_messages(1, state=OutboxMessage.State.FAILED, kind="call_closed")
    make_messages(1, state=OutboxMessage.State.FAILED, kind="review_reminder")
    client.force_login(admin_user)
    page = client.get("/notifications/boite-d-envoi/?state=failed&kind=call_closed")
    assert page.context["page"].paginator.count == 1
    assert failed.recipient_email in page.content.decode()
    page = client.get("/notifications/boite-d-envoi/?state=sent")
    assert page.context["page"].paginator.count == 2
    # Unknown filter values: the whole list, not a 500.
    page = client.get("/notifications/boite-d-envoi/?state=nonsense")
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 4
    detail = client.get(f"/notifications/boite-d-envoi/{failed.pk}/").content.decode()
    assert "SMTP 421" in detail
    assert "ne peut pas être affiché" in detail  # a context without "count": no 500
    assert "Renvoyer ce message" in detail


@pytest.mark.parametrize("rows", [1, 40])
def test_the_outbox_makes_a_constant_number_of_queries(
    client, admin_user, rows, django_assert_max_num_queries
):
    make_messages(rows, state=OutboxMessage.State.FAILED)
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        assert client.get("/notifications/boite-d-envoi/?state=failed").status_code == 200


def test_the_retry_action_ignores_rows_that_did_not_fail_and_unsafe_redirects(
    client, admin_user, deliver_on_commit
):
    [sent] = make_messages(1)
    [failed] = make_messages(1, state=OutboxMessage.State.FAILED)
    client.force_login(admin_user)
    with deliver_on_commit():
        response = client.post(
            "/notifications/boite-d-envoi/renvoyer/",
            {"message": [sent.pk, failed.pk, "x"], "next": "https://evil.example/"},
        )
    assert response["Location"] == "/notifications/boite-d-envoi/"
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert failed.state == OutboxMessage.State.SENT
    assert failed.attempts == 1
    assert sent.attempts == 0  # untouched


def test_admin_lists_messages_and_retries_the_failed(client, deliver_on_commit):
    [failed] = make_messages(1, state=OutboxMessage.State.FAILED)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    admin_client = client
    assert admin_client.get("/admin/notifications/outboxmessage/").status_code == 200
    assert admin_client.get("/admin/notifications/alertsubscription/").status_code == 200
    assert admin_client.get("/admin/notifications/remindermute/").status_code == 200
    with deliver_on_commit():
        admin_client.post(
            "/admin/notifications/outboxmessage/",
            {"action": "retry", "_selected_action": [failed.pk]},
        )
    failed.refresh_from_db()
    assert failed.state == OutboxMessage.State.SENT


@pytest.mark.parametrize("forged", ["²", "99999999999999999999999"])
def test_retrying_forged_ids_ignores_them_and_retries_the_rest(
    client, admin_user, deliver_on_commit, forged
):
    [failed] = make_messages(1, state=OutboxMessage.State.FAILED)
    client.force_login(admin_user)
    with deliver_on_commit():
        response = client.post(
            "/notifications/boite-d-envoi/renvoyer/", {"message": [forged, failed.pk]}
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.state == OutboxMessage.State.SENT
    with deliver_on_commit():
        alone = client.post("/notifications/boite-d-envoi/renvoyer/", {"message": forged})
    assert alone.status_code == 302
    assert "0 message remis" in plain(client.get(alone["Location"]).content.decode())
