"""The load data set: the sizes asked for, coherent scores, decisions ready to publish."""

import io

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import roles_of
from applications.models import Application, ApplicationTarget, Review
from applications.services.scores import stale_targets
from calls.models import Call

pytestmark = pytest.mark.django_db


def test_seed_load_makes_the_data_set_asked_for():
    call_command("seed_load", applications=40, drafts=7, force=True, stdout=io.StringIO())
    closed = Call.objects.get(slug="charge-qmi90")
    assert Application.objects.filter(call=closed, state="submitted").count() == 40
    assert Application.objects.filter(state="draft").count() == 7
    targets = ApplicationTarget.objects.filter(participation__call=closed)
    assert targets.count() >= 40
    assert Review.objects.filter(target__in=targets, state="submitted").exists()
    assert stale_targets(targets) == []
    assert targets.filter(decision="selected").exists()
    # The logins the load profile uses (bench/locustfile.py).
    assert roles_of(User.objects.get(email="admin.load@qmi.example")).is_metropolis_admin
    assert roles_of(User.objects.get(email="manager.load1@qmi.example")).is_commune_staff
    owner = User.objects.get(email="candidate0@load.example")
    assert Application.objects.filter(
        call=closed, state="submitted", organisation__memberships__user=owner
    ).exists()
    with pytest.raises(CommandError):
        call_command("seed_load", applications=1, force=True, stdout=io.StringIO())
