"""PostgreSQL: an answer racing the commune's finalisation never lands after it (the answer
takes the lock finalising takes, then reads the committed state)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from calls.models import Participation
from questions import services
from questions.models import Answer, Question

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_answer_waiting_on_the_finalisation_is_refused(qw):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL (SQLite serialises writers)")
    locked = threading.Event()
    outcome, errors = [], []

    def finalise():
        try:
            with transaction.atomic():
                participation = Participation.objects.select_for_update().get(pk=qw.world.a.pk)
                participation.selection_finalised_at = timezone.now()
                participation.save(update_fields=["selection_finalised_at"])
                locked.set()
                time.sleep(0.5)  # the answer arrives while the finalisation commits
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    def answer():
        try:
            locked.wait(timeout=10)
            question = Question.objects.select_related(
                "target__application",
                "target__participation__call",
                "target__participation__commune",
            ).get(pk=qw.question.pk)
            services.answer(user=qw.member, question=question, body="Juste à temps ?")
            outcome.append("saved")
        except ValidationError as error:
            outcome.append(" ".join(error.messages))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=finalise), threading.Thread(target=answer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(outcome) == 1 and "a finalisé sa sélection" in outcome[0]
    assert not Answer.objects.exists()
