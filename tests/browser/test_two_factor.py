"""A commune manager must set up two-factor authentication before any staff page."""

import re

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from communes.models import TeamMembership
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, TeamMembershipFactory


def current_code(secret):
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_manager_sets_up_totp_at_log_in_then_reaches_the_team_pages(
    site, transactional_db, settings
):
    settings.QMI_MFA_REQUIRED = True
    manager = TeamMembershipFactory(
        role=TeamMembership.Role.MANAGER, user__full_name="Marie Dupont"
    ).user

    log_in(site, manager.email, PASSWORD)
    page = site.page
    # Adding an authenticator asks for the password again.
    assert "/reauthenticate/" in page.url
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Confirmer|Confirm", re.I)).click()
    page.wait_for_load_state("load")
    site.check()
    assert "/2fa/totp/activate/" in page.url

    # Staff pages stay closed until the second factor is set up.
    site.goto("/equipe/")
    assert "/2fa/totp/activate/" in page.url

    secret = page.locator("#authenticator_secret").input_value()
    page.locator("#id_code").fill(current_code(secret))
    page.get_by_role("button", name=re.compile("Activer|Activate", re.I)).click()
    page.wait_for_load_state("load")
    site.check()
    assert "/recovery-codes/" in page.url

    site.goto("/equipe/")
    assert page.url.endswith("/equipe/")

    # Next log-in: password, then the code.
    page.context.clear_cookies()
    log_in(site, manager.email, PASSWORD)
    assert "/2fa/authenticate/" in page.url
    page.locator("#id_code").fill(current_code(secret))
    page.get_by_role("button", name=re.compile("Connexion|Se connecter|Sign In", re.I)).click()
    page.wait_for_load_state("load")
    site.check()
    site.goto("/equipe/")
    assert page.url.endswith("/equipe/")
