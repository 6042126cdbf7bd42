"""Alerts with double opt-in, the notification list and the outbox, checked with axe-core."""

import re

from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone

from notifications.models import AlertSubscription, OutboxMessage
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, AdminFactory, CallFactory, CommuneFactory, UserFactory


def confirmation_link(body):
    return next(u for u in re.findall(r"https?://\S+", body) if "/alertes/confirmer/" in u)


def test_alert_me_with_double_opt_in(site, transactional_db):
    CommuneFactory(name="Argenteuil")
    page = site.goto("/notifications/alertes/")
    page.get_by_label("Votre adresse e-mail").fill("visitor@example.org")
    page.get_by_role("button", name="M'alerter").click()
    page.wait_for_load_state("load")
    site.check()
    # The summary links to the first checkbox; what was typed is kept.
    assert (
        page.get_by_role("link", name=re.compile("Choisissez au moins")).get_attribute("href")
        == "#id_communes_0"
    )
    assert page.get_by_label("Votre adresse e-mail").input_value() == "visitor@example.org"
    page.get_by_label("Argenteuil").check()
    page.get_by_role("button", name="M'alerter").click()
    page.wait_for_load_state("load")
    site.check()
    assert page.get_by_role("heading", name="Confirmez votre alerte").count() == 1
    assert len(mail.outbox) == 1

    page.goto(confirmation_link(mail.outbox[0].body))
    site.check()
    page.get_by_role("button", name="Confirmer l'alerte").click()
    page.wait_for_load_state("load")
    site.check()
    assert AlertSubscription.objects.get().is_confirmed


def test_notification_list_and_outbox(site, transactional_db):
    person = UserFactory(email="person@example.org")
    call = CallFactory()
    content_type = ContentType.objects.get_for_model(call)
    for i, state in enumerate([OutboxMessage.State.SENT, OutboxMessage.State.FAILED]):
        OutboxMessage.objects.create(
            recipient=person,
            recipient_email=person.email,
            kind="deadline_reminder",
            content_type=content_type,
            object_id=call.pk,
            occasion=f"reminder-{i}",
            state=state,
            subject=f"Rappel {i}",
            sent_at=timezone.now() if state == OutboxMessage.State.SENT else None,
            last_error="SMTP 421" if state == OutboxMessage.State.FAILED else "",
            context={
                "call_id": call.pk,
                "call_title": call.title,
                "organisation": "Org",
                "closes_at": call.closes_at.isoformat(),
                "url": "http://127.0.0.1/",
            },
        )
    log_in(site, person.email, PASSWORD)
    site.goto("/notifications/")
    page = site.page
    assert page.get_by_role("link", name=re.compile("Notifications 2")).count() == 1
    page.get_by_role("link", name="Rappel 0").click()
    page.wait_for_load_state("load")
    site.check()
    assert page.get_by_role("link", name=re.compile("Notifications 1")).count() == 1

    admin = AdminFactory()
    site.context.clear_cookies()
    log_in(site, admin.email, PASSWORD)
    site.goto("/notifications/boite-d-envoi/")
    page.get_by_label("État").select_option("failed")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state("load")
    site.check()
    page.get_by_label(re.compile("Renvoyer le message à person@example.org")).check()
    page.get_by_role("button", name="Renvoyer les messages en échec sélectionnés").click()
    page.wait_for_load_state("load")
    site.check()
    assert not OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED).exists()
    assert len(mail.outbox) == 1
