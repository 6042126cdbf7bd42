"""Issue 14.4 in a browser: the confirmation pages say what will happen; "Annuler"
changes nothing, confirming does it. No JavaScript dialog is involved."""

import datetime
import re

from django.utils import timezone

from applications.models import ApplicationTarget, StaffJob
from applications.services.selection import decide, finalise_selection
from calls.models import Call
from notifications.models import OutboxMessage
from tests.applications.staff_helpers import World, refresh
from tests.browser.conftest import log_in
from tests.factories import (
    PASSWORD,
    AdminFactory,
    CallFactory,
    CriterionFactory,
    ParticipationFactory,
)
from tests.typography import plain


def _click(site, role, name):
    site.page.get_by_role(role, name=name).first.click()
    site.page.wait_for_load_state("load")
    site.check()


def _text(site):
    return plain(site.page.locator("main").inner_text())


def test_cancel_then_confirm_the_publication_of_results(site, transactional_db):
    world = World(quota_min=1, quota_max=2, closed=True, screened=True)
    world.b.delete()
    targets = [world.application(world.a, members=2) for _ in range(3)]
    for target, decision in zip(targets, ["selected", "not_selected", "waiting"], strict=True):
        decide(user=world.manager_a, target=refresh(target), decision=decision, motivation="M")
    finalise_selection(user=world.manager_a, participation=world.a)
    log_in(site, AdminFactory().email, PASSWORD)
    results = f"/equipe/appel/{world.call.pk}/resultats/"

    # Reopening: the page says what happens; "Annuler" leaves the selection finalised.
    site.goto(results)
    _click(site, "button", re.compile("Rouvrir"))
    assert "Aucun e-mail n'est envoyé." in _text(site)
    _click(site, "link", "Annuler")
    assert site.page.url.endswith(results)
    world.a.refresh_from_db()
    assert world.a.selection_finalised_at is not None

    # Publication: 3 applications × 2 members = 6 e-mails, announced; cancelled first.
    _click(site, "button", "Publier les résultats")
    text = _text(site)
    assert "6 e-mails seront envoyés." in text
    assert "1 projet retenu devient une expérimentation" in text
    _click(site, "link", "Annuler")
    world.call.refresh_from_db()
    assert world.call.results_published_at is None
    assert not OutboxMessage.objects.filter(kind="decision").exists()
    assert not StaffJob.objects.exists()

    # Confirmed: published, the six messages written.
    _click(site, "button", "Publier les résultats")
    _click(site, "button", "Publier et envoyer 6 e-mails")
    assert "Résultats publiés le" in _text(site)
    world.call.refresh_from_db()
    assert world.call.results_published_at is not None
    assert OutboxMessage.objects.filter(kind="decision").count() == 6
    assert ApplicationTarget.objects.filter(decision="selected").count() == 1


def test_cancel_then_confirm_the_publication_of_a_call(site, transactional_db):
    call = CallFactory(
        published_at=None,
        title="Appel du printemps",
        opens_at=timezone.now() + datetime.timedelta(days=2),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    ParticipationFactory(call=call)
    CriterionFactory(call=call)
    log_in(site, AdminFactory().email, PASSWORD)
    site.goto(f"/gestion/appels/{call.pk}/")
    _click(site, "button", "Publier l'appel")
    assert "Aucun e-mail" not in _text(site)
    assert "0 e-mail sera envoyé à l'ouverture" in _text(site)
    _click(site, "link", "Annuler")
    assert Call.objects.get(pk=call.pk).published_at is None
    _click(site, "button", "Publier l'appel")
    _click(site, "button", "Publier l'appel")
    assert "est publié" in _text(site)
    assert Call.objects.get(pk=call.pk).published_at is not None
