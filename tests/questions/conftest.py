"""A call with communes A and B, an application aimed at both, two members, a question."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import OrganisationMembership
from questions import services
from tests.applications.candidate_factories import PDF_BYTES
from tests.applications.staff_helpers import World


def pdf(name="reponse.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def qw(db):
    """world: World (closed call); ta, tb: the application's targets at A and B;
    members: its organisation's two members; question: asked by A's reviewer."""
    world = World(closed=True)
    ta, tb = world.application(world.a, world.b, members=2)
    members = [
        m.user
        for m in OrganisationMembership.objects.filter(
            organisation=ta.application.organisation
        ).select_related("user")
    ]
    question = services.ask(user=world.reviewer_a, target=ta, body="Quel budget pour l'hiver ?")
    return SimpleNamespace(
        world=world, ta=ta, tb=tb, members=members, member=members[0], question=question
    )


def answer_with_file(qw, body="Voici le budget.", files=None):
    from questions.models import Question

    question = Question.objects.select_related(
        "target__application", "target__participation__call", "target__participation__commune"
    ).get(pk=qw.question.pk)
    return services.answer(
        user=qw.member, question=question, body=body, files=[pdf()] if files is None else files
    )
