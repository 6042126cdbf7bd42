"""Two members saving the same draft at the same moment, in two real transactions."""

import threading

import pytest
from django.db import OperationalError, close_old_connections, connection

from applications.forms.application import ProjectForm
from applications.models import Application
from applications.services import drafting
from tests.applications.candidate_factories import member_of
from tests.factories import ApplicationFactory


@pytest.mark.django_db(transaction=True)
def test_two_members_saving_at_once_one_wins_the_other_is_told():
    application = ApplicationFactory(title="Départ")
    alice, bob = member_of(application.organisation), member_of(application.organisation)
    version = application.version
    barrier = threading.Barrier(2)
    outcomes = {}

    def save(user, title):
        try:
            loaded = Application.objects.get(pk=application.pk)
            form = ProjectForm({"title": title}, instance=loaded)
            assert form.is_valid(), form.errors
            barrier.wait(timeout=10)
            drafting.save_step(
                application=loaded,
                user=user,
                step="projet",
                changes=form.cleaned_data,
                expected_version=version,
            )
            outcomes[title] = "saved"
        except drafting.DraftConflict:
            outcomes[title] = "conflict"
        except OperationalError:
            # SQLite's shared in-memory test database refuses the second writer
            # at once instead of waiting (a file database waits, then conflicts).
            outcomes[title] = "refused by sqlite"
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=save, args=(alice, "Titre d'Alice")),
        threading.Thread(target=save, args=(bob, "Titre de Bob")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    loser = "conflict" if connection.vendor == "postgresql" else outcomes_loser(outcomes)
    assert sorted(outcomes.values()) == sorted(["saved", loser]), outcomes
    winner = next(title for title, outcome in outcomes.items() if outcome == "saved")
    application.refresh_from_db()
    assert application.title == winner
    assert application.version == version + 1


def outcomes_loser(outcomes):
    losers = [outcome for outcome in outcomes.values() if outcome != "saved"]
    assert losers and losers[0] in {"conflict", "refused by sqlite"}, outcomes
    return losers[0]
