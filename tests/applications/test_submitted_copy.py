"""Each target's copies of its application's state and reference (submitted,
application_reference), which every staff list filters and sorts on: they must agree
with the application after every change."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from applications.models import Application, ApplicationTarget
from applications.services.drafting import set_targets
from applications.services.submission import submit_application, withdraw_application
from tests.applications.candidate_factories import complete_draft, member_of
from tests.factories import ApplicationTargetFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def disagreeing_targets():
    """Targets (unticked ones included) whose copies disagree with their application."""
    rows = ApplicationTarget.with_withdrawn.values_list(
        "pk", "submitted", "application__state", "application_reference", "application__reference"
    )
    return [
        row for row in rows if row[1] != (row[2] == Application.State.SUBMITTED) or row[3] != row[4]
    ]


def test_submission_and_withdrawal_carry_over_to_every_target():
    application = complete_draft()
    member = member_of(application.organisation)
    second = ParticipationFactory(call=application.call)
    first = application.targets.get()
    set_targets(application, [first.participation, second], now=None)
    experiment = ["experiment_what", "experiment_where", "experiment_duration_months"]
    experiment += ["experiment_ask", "experiment_users"]
    application.targets.filter(participation=second).update(
        **{name: getattr(first, name) for name in experiment}
    )
    assert set(application.targets.values_list("submitted", flat=True)) == {False}

    application = submit_application(application=application, user=member)
    assert list(application.targets.values_list("submitted", flat=True)) == [True, True]
    assert set(application.targets.values_list("application_reference", flat=True)) == {
        application.reference
    }
    assert disagreeing_targets() == []

    withdraw_application(application=application, user=member)
    assert set(application.targets.values_list("submitted", flat=True)) == {False}
    assert disagreeing_targets() == []


def test_a_bulk_update_of_the_state_carries_over():
    target = ApplicationTargetFactory()
    Application.objects.filter(pk=target.application_id).update(state="withdrawn")
    target.refresh_from_db()
    assert target.submitted is False
    Application.objects.filter(state="withdrawn").update(state="submitted")
    target.refresh_from_db()
    assert target.submitted is True
    assert disagreeing_targets() == []


def test_a_commune_ticked_after_submission_is_submitted_too():
    target = ApplicationTargetFactory()
    application = target.application
    added = ParticipationFactory(call=application.call)
    set_targets(application, [target.participation, added], now=None)
    assert application.targets.get(participation=added).submitted is True
    assert disagreeing_targets() == []


def test_an_unticked_commune_keeps_a_true_copy():
    """An unticked target with team work is kept: ticked again, it is back in the lists."""
    target = ApplicationTargetFactory()
    target.screened_at = target.application.submitted_at
    target.save()
    application = target.application
    set_targets(application, [ParticipationFactory(call=application.call)], now=timezone.now())
    kept = ApplicationTarget.with_withdrawn.get(pk=target.pk)
    assert kept.withdrawn_at is not None and kept.submitted is True
    assert disagreeing_targets() == []


def test_the_load_data_set_and_the_demo_agree():
    call_command("seed_load", applications=30, drafts=5, force=True, stdout=io.StringIO())
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert ApplicationTarget.objects.filter(submitted=True).exists()
    assert ApplicationTarget.objects.filter(submitted=False).exists()
    assert disagreeing_targets() == []
