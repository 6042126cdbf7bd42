import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from calls.models import Call, Criterion, Edition, Participation, Tag
from communes.models import Commune
from tests.factories import CallFactory, CommuneFactory, EditionFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def integrity_error(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_call_must_close_after_opening():
    now = timezone.now()
    integrity_error(lambda: CallFactory(opens_at=now, closes_at=now))
    integrity_error(lambda: CallFactory(opens_at=now, closes_at=now - datetime.timedelta(hours=1)))


def test_call_clean_explains_bad_dates_and_offsets():
    now = timezone.now()
    call = Call(edition=EditionFactory(), title="A", slug="a", opens_at=now, closes_at=now)
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "closes_at" in error.value.message_dict
    call.closes_at = now + datetime.timedelta(days=1)
    call.reminder_offsets_hours = [0, "x"]
    with pytest.raises(ValidationError) as error:
        call.full_clean()
    assert "reminder_offsets_hours" in error.value.message_dict


def test_default_reminder_offsets_are_7_days_1_day_3_hours():
    call = CallFactory()
    assert call.reminder_offsets_hours == [168, 24, 3]


def test_quota_min_at_least_one_and_not_above_max():
    integrity_error(lambda: ParticipationFactory(quota_min=0, quota_max=8))
    integrity_error(lambda: ParticipationFactory(quota_min=9, quota_max=8))
    assert ParticipationFactory(quota_min=8, quota_max=8).pk


def test_participation_clean_explains_quota_and_edition():
    participation = ParticipationFactory.build(
        call=CallFactory(), commune=CommuneFactory(), quota_min=5, quota_max=3
    )
    participation.edition = participation.call.edition
    with pytest.raises(ValidationError) as error:
        participation.full_clean()
    assert "quota_max" in error.value.message_dict
    participation.quota_max = 8
    participation.edition = EditionFactory()
    with pytest.raises(ValidationError) as error:
        participation.full_clean()
    assert "call" in error.value.message_dict


def test_one_participation_per_commune_and_edition():
    first = ParticipationFactory()
    integrity_error(
        lambda: Participation.objects.create(
            edition=first.edition, commune=first.commune, quarter_name="Doublon"
        )
    )


@pytest.mark.parametrize(
    "create",
    [
        lambda: CallFactory(slug="same") and CallFactory(slug="same"),
        lambda: EditionFactory(slug="same") and EditionFactory(slug="same"),
        lambda: CommuneFactory(slug="same") and CommuneFactory(slug="same"),
        lambda: (
            Tag.objects.create(name="A", slug="same") and Tag.objects.create(name="B", slug="same")
        ),
    ],
    ids=["call", "edition", "commune", "tag"],
)
def test_slugs_are_unique(create):
    integrity_error(create)


def test_insee_code_unique_and_validated():
    Commune.objects.create(name="A", slug="a", insee_code="95018", department="Val-d'Oise")
    integrity_error(
        lambda: Commune.objects.create(name="B", slug="b", insee_code="95018", department="X")
    )
    with pytest.raises(ValidationError):
        Commune(name="C", slug="c", insee_code="123", department="X").full_clean()


def test_edition_ends_after_start():
    integrity_error(
        lambda: Edition.objects.create(
            number=99,
            code="QMI99",
            name="X",
            slug="qmi99",
            starts_on=datetime.date(2025, 1, 2),
            ends_on=datetime.date(2025, 1, 1),
        )
    )


def test_criterion_weight_positive():
    call = CallFactory()
    integrity_error(lambda: Criterion.objects.create(call=call, name="X", weight=0))


def test_quota_max_never_below_what_is_already_selected():
    from tests.factories import ApplicationTargetFactory

    participation = ParticipationFactory(quota_min=1, quota_max=3)
    for slot in (1, 2):
        ApplicationTargetFactory(
            participation=participation,
            application__call=participation.call,
            decision="selected",
            selection_slot=slot,
        )
    participation.quota_max = 1
    with pytest.raises(ValidationError) as error:
        participation.full_clean()
    assert "quota_max" in error.value.message_dict
    participation.quota_max = 2
    participation.full_clean()


def test_quotas_of_a_finalised_selection_do_not_move():
    participation = ParticipationFactory(quota_min=1, quota_max=3)
    participation.selection_finalised_at = timezone.now()
    participation.save()
    participation.quota_max = 4
    with pytest.raises(ValidationError, match="rouvrez-la"):
        participation.full_clean()
