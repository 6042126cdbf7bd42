"""The demo has questions for Vélo Vert SAS, one answered with a file; a second run adds
nothing."""

import os

import pytest
from django.core.management import call_command

from questions.models import Answer, AnswerAttachment, Question

pytestmark = pytest.mark.django_db


def test_the_demo_has_questions_and_is_idempotent(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Question.objects.count() == 3
    assert Answer.objects.count() == 1 and AnswerAttachment.objects.count() == 1
    communes = set(Question.objects.values_list("target__participation__commune__name", flat=True))
    assert communes == {"Argenteuil", "Issy-les-Moulineaux"}
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Question.objects.count() == 3 and Answer.objects.count() == 1
    # Argenteuil's manager reads Argenteuil's two questions, not Issy's.
    from accounts.models import User

    client.force_login(User.objects.get(email="manager.argenteuil@qmi.example"))
    question = Question.objects.filter(target__participation__commune__name="Argenteuil").first()
    page = client.get(f"/equipe/candidature/{question.target_id}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "vélos prêtés" in body and "rentrée de septembre" not in body
