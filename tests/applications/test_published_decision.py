"""One rule says when a commune's decision leaves its team: the call's results are
published and the application is submitted. The model, the database filter, the
candidate's page, "Mes données", laureates and pilots all ask it."""

import pytest
from django.utils import timezone

from applications.models import Application, ApplicationTarget
from applications.selectors.candidate import published_decisions
from calls.selectors import laureates
from tests.factories import ApplicationTargetFactory

pytestmark = pytest.mark.django_db
Decision = ApplicationTarget.Decision


def _published(target):
    call = target.application.call
    call.results_published_at = timezone.now()
    call.save(update_fields=["results_published_at"])
    return target


def _agree(target):
    """The Python rule and the database rule give the same answer for this row."""
    target = ApplicationTarget.objects.select_related("application__call").get(pk=target.pk)
    in_db = ApplicationTarget.objects.decisions_published().filter(pk=target.pk).exists()
    assert in_db == target.application.decisions_published
    return target


def test_before_publication_nothing_leaves_the_team():
    target = _agree(ApplicationTargetFactory(decision=Decision.WAITING))
    assert target.published_decision is None
    assert published_decisions(target.application) == []
    assert list(laureates()) == []


def test_once_published_the_decision_is_read_and_no_decision_reads_not_selected():
    chosen = _published(ApplicationTargetFactory(decision=Decision.WAITING))
    undecided = _published(ApplicationTargetFactory(decision=""))
    assert _agree(chosen).published_decision == Decision.WAITING
    assert _agree(undecided).published_decision == Decision.NOT_SELECTED
    [decision] = published_decisions(undecided.application)
    assert decision.decision == Decision.NOT_SELECTED


@pytest.mark.parametrize("state", [Application.State.DRAFT, Application.State.WITHDRAWN])
def test_an_application_that_does_not_stand_has_no_published_decision(state):
    target = _published(ApplicationTargetFactory(decision=""))
    Application.objects.filter(pk=target.application_id).update(state=state)
    target = _agree(target)
    assert target.published_decision is None
    assert published_decisions(target.application) == []


def test_laureates_are_the_published_selected_rows():
    selected = ApplicationTargetFactory()
    ApplicationTarget.objects.filter(pk=selected.pk).update(
        decision=Decision.SELECTED, selection_slot=1
    )
    assert list(laureates()) == []
    _published(selected)
    assert [t.pk for t in laureates()] == [selected.pk]
