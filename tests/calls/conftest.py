import pytest

from tests.factories import (
    CallFactory,
    ChallengeFactory,
    CommuneFactory,
    EditionFactory,
    ParticipationFactory,
    TeamMembershipFactory,
)


@pytest.fixture
def draft_call(db):
    call = CallFactory(published_at=None, title="Appel secret", slug="appel-secret")
    ParticipationFactory(call=call)
    return call


@pytest.fixture
def commune_staff(db):
    return TeamMembershipFactory(role="manager").user


def make_calls(count, **kwargs):
    """``count`` published calls, each with a commune and a challenge with a tag."""
    from calls.models import Tag

    tag, _ = Tag.objects.get_or_create(slug="mobilite", defaults={"name": "Mobilité"})
    edition = kwargs.pop("edition", None) or EditionFactory()
    calls = []
    for _index in range(count):
        call = CallFactory(edition=edition, **kwargs)
        participation = ParticipationFactory(call=call, commune=CommuneFactory())
        ChallengeFactory(participation=participation).tags.add(tag)
        calls.append(call)
    return calls
