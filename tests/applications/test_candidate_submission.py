import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, ApplicationRevision
from applications.services.submission import submit_application
from calls.models import Edition
from notifications.models import OutboxMessage
from tests.applications.candidate_factories import complete_draft, member_of
from tests.factories import CallFactory, EditionFactory
from tests.typography import plain

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC


def submit(client, application):
    return client.post(
        reverse("applications:step", args=[application.pk, "validation"]),
        {
            "accept_rules": "on",
            "accept_privacy": "on",
            "version": application.version,
            "go": "submit",
        },
    )


def call_closing_at(closes_at, **kwargs):
    return CallFactory(
        opens_at=closes_at - datetime.timedelta(days=30), closes_at=closes_at, **kwargs
    )


def test_submission_gives_a_reference_a_receipt_and_a_receipt_mail(
    client, django_capture_on_commit_callbacks
):
    edition = EditionFactory(code="QMI2", last_application_number=41)
    application = complete_draft(call=CallFactory(edition=edition))
    member = member_of(application.organisation)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, application)
    application.refresh_from_db()
    assert application.state == "submitted"
    assert application.reference == "QMI2-0042"
    assert response["Location"] == reverse("applications:receipt", args=[application.pk])
    receipt = client.get(response["Location"]).content.decode()
    assert "QMI2-0042" in receipt and "heure de Paris" in receipt and "data-print" in receipt
    assert ApplicationRevision.objects.filter(application=application, number=1).exists()
    message = OutboxMessage.objects.get(kind="submission_receipt", recipient=member)
    sent = [m for m in mail.outbox if m.to == [member.email]]
    assert len(sent) == 1
    paris_time = timezone.localtime(application.submitted_at, PARIS).strftime("%d/%m/%Y %H:%M")
    assert "QMI2-0042" in sent[0].subject
    assert paris_time in sent[0].body and application.title in sent[0].body
    assert message.context["reference"] == "QMI2-0042"


def test_references_are_unique_in_the_edition_and_never_reused(client):
    edition = EditionFactory(code="QMI7")
    first = complete_draft(call=CallFactory(edition=edition))
    second = complete_draft(call=CallFactory(edition=edition))
    user_1, user_2 = member_of(first.organisation), member_of(second.organisation)
    first = submit_application(application=first, user=user_1)
    from applications.services.submission import withdraw_application

    withdraw_application(application=first, user=user_1)
    second = submit_application(application=second, user=user_2)
    assert (first.reference, second.reference) == ("QMI7-0001", "QMI7-0002")
    assert Edition.objects.get(pk=edition.pk).last_application_number == 2


def test_an_incomplete_application_is_not_submitted(client):
    application = complete_draft(budget_cost=None)
    client.force_login(member_of(application.organisation))
    response = submit(client, application)
    application.refresh_from_db()
    assert application.state == "draft" and application.reference is None
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "incomplète" in page and "coût de l" in page


def test_the_deadline_second(client):
    closes_at = datetime.datetime(2026, 3, 17, 22, 59, tzinfo=UTC)  # 23 h 59 in Paris
    with time_machine.travel(closes_at - datetime.timedelta(days=1), tick=False):
        call = call_closing_at(closes_at)
        late, on_time = complete_draft(call=call), complete_draft(call=call)
        late_member, on_time_member = member_of(late.organisation), member_of(on_time.organisation)

    with time_machine.travel(closes_at - datetime.timedelta(microseconds=1), tick=False):
        client.force_login(on_time_member)
        submit(client, on_time)
    with time_machine.travel(closes_at, tick=False):
        client.force_login(late_member)
        before = Application.objects.values().get(pk=late.pk)
        response = submit(client, late)
        page = plain(client.get(response["Location"], follow=True).content.decode())
    assert Application.objects.get(pk=on_time.pk).state == "submitted"
    late_after = Application.objects.values().get(pk=late.pk)
    assert late_after == before  # the draft is intact, not even its version moved
    assert "clos" in page
    assert "17 mars 2026 à 23 h 59 (heure de Paris)" in page


def test_a_dst_day_deadline_is_read_in_paris_time(client):
    # Summer time starts on 29 March 2026 at 2:00; the call closes that day at 23:59 Paris,
    # that is 21:59 UTC (UTC+2), not 22:59 as it would be in winter.
    closes_at = datetime.datetime(2026, 3, 29, 23, 59, tzinfo=PARIS)
    assert closes_at.astimezone(UTC).hour == 21
    with time_machine.travel(datetime.datetime(2026, 3, 20, tzinfo=UTC), tick=False):
        call = call_closing_at(closes_at)
        application = complete_draft(call=call)
        member = member_of(application.organisation)
    client.force_login(member)
    # 22:30 UTC is 00:30 in Paris on the 30th: closed (a winter-time reading would say open).
    with time_machine.travel(datetime.datetime(2026, 3, 29, 22, 30, tzinfo=UTC), tick=False):
        submit(client, application)
        assert Application.objects.get(pk=application.pk).state == "draft"
    with time_machine.travel(datetime.datetime(2026, 3, 29, 21, 58, 59, tzinfo=UTC), tick=False):
        submit(client, application)
        page = plain(
            client.get(reverse("applications:detail", args=[application.pk])).content.decode()
        )
    assert Application.objects.get(pk=application.pk).state == "submitted"
    assert "29 mars 2026 à 23 h 59 (heure de Paris)" in page


def test_changes_after_submission_are_revisions_and_tell_the_members(
    client, django_capture_on_commit_callbacks
):
    application = complete_draft()
    member = member_of(application.organisation)
    application = submit_application(application=application, user=member)
    client.force_login(member)
    url = reverse("applications:step", args=[application.pk, "projet"])
    data = {
        "title": "Nouveau titre",
        "summary": application.summary,
        "solution": application.solution,
        "novelty": application.novelty,
        "maturity": application.maturity,
        "version": application.version,
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data)
    revisions = list(application.revisions.order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].content["title"] != "Nouveau titre"
    assert revisions[1].content["title"] == "Nouveau titre"
    assert OutboxMessage.objects.filter(kind="application_changed", occasion="revision-2").exists()
    # A submitted application must stay complete.
    response = client.post(url, {**data, "title": "", "version": application.version + 1})
    assert response.status_code == 400
    assert Application.objects.get(pk=application.pk).title == "Nouveau titre"


def test_no_change_after_the_deadline(client):
    application = complete_draft()
    member = member_of(application.organisation)
    application = submit_application(application=application, user=member)
    client.force_login(member)
    with time_machine.travel(application.call.closes_at, tick=False):
        client.post(
            reverse("applications:step", args=[application.pk, "projet"]),
            {"title": "Trop tard", "version": application.version},
        )
    assert Application.objects.get(pk=application.pk).title != "Trop tard"


def test_withdrawal_asks_for_confirmation_until_results_are_published(client):
    application = complete_draft()
    member = member_of(application.organisation)
    application = submit_application(application=application, user=member)
    client.force_login(member)
    url = reverse("applications:withdraw", args=[application.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "définitif" in confirm.content.decode()
    assert Application.objects.get(pk=application.pk).state == "submitted"
    client.post(url)
    assert Application.objects.get(pk=application.pk).state == "withdrawn"


def test_no_withdrawal_once_results_are_published(client):
    application = complete_draft()
    member = member_of(application.organisation)
    application = submit_application(application=application, user=member)
    application.call.results_published_at = timezone.now()
    application.call.save()
    client.force_login(member)
    client.post(reverse("applications:withdraw", args=[application.pk]))
    assert Application.objects.get(pk=application.pk).state == "submitted"


def test_the_service_itself_refuses_at_closes_at():
    from applications.services.submission import SubmissionRefused

    application = complete_draft()
    member = member_of(application.organisation)
    with pytest.raises(SubmissionRefused):
        submit_application(application=application, user=member, now=application.call.closes_at)
    assert Application.objects.get(pk=application.pk).state == "draft"
    assert Edition.objects.get(pk=application.call.edition_id).last_application_number == 0


def _withdrawal_message(client, application, method="post"):
    import html

    url = reverse("applications:withdraw", args=[application.pk])
    response = getattr(client, method)(url, follow=True)
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("method", ["get", "post"])
def test_withdrawal_refusals_say_what_is_true(client, method):
    draft = complete_draft()
    member = member_of(draft.organisation)
    client.force_login(member)
    page = _withdrawal_message(client, draft, method)
    assert "Ce brouillon n'a pas été déposé" in plain(page)
    assert "résultats publiés" not in page
    assert Application.objects.get(pk=draft.pk).state == "draft"

    submitted = submit_application(application=draft, user=member)
    client.post(reverse("applications:withdraw", args=[submitted.pk]))
    page = _withdrawal_message(client, submitted, method)
    assert "déjà retirée" in page and "résultats" not in page

    other = complete_draft()
    other_member = member_of(other.organisation)
    other = submit_application(application=other, user=other_member)
    other.call.results_published_at = timezone.now()
    other.call.save()
    client.force_login(other_member)
    page = _withdrawal_message(client, other, method)
    assert "résultats de l" in page and "publiés" in page
