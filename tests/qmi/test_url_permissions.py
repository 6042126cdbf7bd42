"""Every URL of the project states who may use it, and anonymous visitors never get
a page that is not public.

A new view fails this test until its URL name is added to ``RULES`` below, with
the rule its view enforces (see README, "Permissions"). Third-party URLs (the
Django admin, allauth, the API's router) are covered by their own mechanisms and
listed by prefix in ``THIRD_PARTY``.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Who may use each URL, as its view enforces it:
#   public   anyone, logged in or not
#   token    anyone holding a signed personal link (the token is the permission)
#   login    any logged-in user (what they may see is filtered by visible_to / ownership)
#   member   a member of the organisation (applications.permissions.candidate)
#   staff    commune staff or a metropolis admin (applications.permissions.staff)
#   admin    a metropolis admin (calls.permissions / staff predicates)
#   officer  programme officers and admins (experimentations.permissions)
RULES = {
    "home": "public",
    "healthz": "public",
    "legal_notice": "public",
    "privacy": "public",
    "contact": "public",
    "accessibility": "public",
    # accounts
    "accounts:profile": "login",
    "accounts:delete_account": "login",
    "accounts:set_language": "public",
    "sitemap": "public",
    # calls (public pages and the back-office)
    "calls:call_list": "public",
    "calls:call_detail": "public",
    "calls:call_rules": "public",
    "calls:commune_list": "public",
    "calls:commune_detail": "public",
    "calls:edition_list": "public",
    "calls:edition_detail": "public",
    "calls:help": "public",
    "communes:invitation_accept": "token",
    "backoffice:home": "admin",
    "backoffice:edition_list": "admin",
    "backoffice:edition_create": "admin",
    "backoffice:edition_edit": "admin",
    "backoffice:commune_list": "admin",
    "backoffice:commune_create": "admin",
    "backoffice:commune_edit": "admin",
    "communes:team": "admin",
    "communes:member_remove": "admin",
    "communes:invitation_cancel": "admin",
    "backoffice:participation_list": "admin",
    "backoffice:participation_create": "admin",
    "backoffice:participation_edit": "admin",
    "backoffice:call_list": "admin",
    "backoffice:call_create": "admin",
    "backoffice:call_detail": "admin",
    "backoffice:call_edit": "admin",
    "backoffice:call_documents": "admin",
    "backoffice:call_publish": "admin",
    "backoffice:call_unpublish": "admin",
    # applications, candidate side
    "applications:my_applications": "login",
    "applications:start": "login",
    "applications:organisation_create": "login",
    "applications:organisation_detail": "member",
    "applications:organisation_edit": "member",
    "applications:organisation_leave": "member",
    "applications:member_remove": "member",
    "applications:ownership_transfer": "member",
    "applications:invitation_accept": "token",
    "applications:detail": "member",
    "applications:step": "member",
    "applications:attachment_upload": "member",
    "applications:attachment_delete": "member",
    "applications:attachment_download": "login",
    "applications:receipt": "member",
    "applications:receipt_pdf": "member",
    "applications:withdraw": "member",
    # applications, staff side
    "staff:home": "staff",
    "staff:dashboard": "staff",
    "staff:dashboard_export": "staff",
    "staff:application": "staff",
    "staff:save_review": "staff",
    "staff:declare_conflict": "staff",
    "staff:screen": "staff",
    "staff:decide": "staff",
    "staff:add_note": "staff",
    "staff:finalise_selection": "staff",
    "staff:reopen_selection": "admin",
    "staff:call_results": "admin",
    "staff:publish_results": "admin",
    "staff:call_export": "admin",
    "staff:audit_log": "admin",
    "staff:job": "staff",
    "staff:job_download": "staff",
    "staff:assign": "staff",
    "staff:unassign": "staff",
    "staff:bulk_assign": "staff",
    "staff:spread_assignments": "staff",
    "staff:review_deadline": "staff",
    "staff:attachment_view": "staff",
    "staff:bulk_screen": "staff",
    # auditions (shortlist, slots, bookings, jury)
    "auditions:schedule": "staff",
    "auditions:add_slot": "staff",
    "auditions:delete_slot": "staff",
    "auditions:invite": "staff",
    "auditions:toggle_shortlist": "staff",
    "auditions:jury": "staff",
    "auditions:respond": "member",
    "auditions:book": "member",
    "auditions:decline": "member",
    "auditions:calendar_file": "member",
    # notifications
    "notifications:list": "login",
    "notifications:detail": "login",
    "notifications:mark_read": "login",
    "notifications:alerts": "public",
    "notifications:alert_confirm": "token",
    "notifications:unsubscribe": "token",
    "notifications:outbox": "admin",
    "notifications:outbox_message": "admin",
    "notifications:outbox_retry": "admin",
    # personal data
    "privacy:export": "login",
    "privacy:export_download": "login",
    # pilots
    "experimentations:my_pilots": "login",
    "experimentations:board": "officer",
    "experimentations:pilot": "login",
    "experimentations:pilot_edit": "officer",
    "experimentations:officer_assign": "admin",
    "experimentations:milestone_add": "login",
    "experimentations:milestone_edit": "login",
    "experimentations:report": "login",
    "experimentations:report_attachment": "login",
    "experimentations:outcome": "login",
    "experimentations:survey_answer": "token",
    "experimentations:survey_list": "admin",
    "experimentations:survey_create": "admin",
    "experimentations:survey_results": "admin",
    "experimentations:survey_export": "admin",
    "experimentations:survey_send": "admin",
    # questions to candidates (questions.permissions: the asking commune's team, the members)
    "questions:team_list": "staff",
    "questions:ask": "staff",
    "questions:application_list": "member",
    "questions:detail": "login",
    "questions:answer": "member",
    "questions:attachment_download": "login",
    # statistics and open data
    "stats:index": "public",
    "stats:edition": "public",
    "stats:open_data": "public",
    "stats:open_data_csv": "public",
    "stats:open_data_json": "public",
    "stats:dashboard": "admin",
    "stats:commune_dashboard": "staff",
}

# URLs whose permissions are another library's: the Django admin (is_staff),
# allauth's accounts, MFA, sessions and OIDC pages, the read-only public API.
THIRD_PARTY = re.compile(
    r"^(admin:|api:|account_|mfa_|socialaccount_|openid_connect_|usersessions_)"
)
NOT_PUBLIC = {"token", "public"}


def project_urls():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                yield from walk(pattern.url_patterns, full)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, pattern

    return {
        name: pattern
        for name, pattern in walk(get_resolver().url_patterns)
        if not THIRD_PARTY.match(name)
    }


def test_every_url_name_has_an_explicit_rule():
    names = set(project_urls())
    missing = sorted(names - set(RULES))
    stale = sorted(set(RULES) - names)
    assert not missing, f"URL names without a permission rule (add them to RULES): {missing}"
    assert not stale, f"RULES names no URL of the project any more: {stale}"


def _fake_kwargs(pattern):
    regex = pattern.pattern.regex
    values = {}
    for key in regex.groupindex:
        if "format" in key or key == "fmt":
            values[key] = "csv"
        elif key.endswith("id") or key.endswith("pk") or key == "pk":
            values[key] = "1"
        elif key == "insee_code":
            values[key] = "95018"
        else:
            values[key] = "x"
    return values


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, rule in RULES.items() if rule not in NOT_PUBLIC))
def test_anonymous_visitors_never_get_a_page_that_is_not_public(client, name):
    pattern = project_urls()[name]
    url = reverse(name, kwargs=_fake_kwargs(pattern))
    response = client.get(url)
    assert response.status_code in (302, 403, 404, 405), (name, response.status_code)
    if response.status_code == 302:
        assert "/comptes/" in response["Location"] or "login" in response["Location"]


# Every view that is not public states its rule with qmi.permissions.rule (or a named
# rule built with it, such as ``staff_required``), so the check cannot be forgotten
# inside the view's body. Views of the staff side (staff, admin, officer) must ask a
# predicate that is more than "logged in".
WRAPPED_RULES = {"login", "member", "staff", "admin", "officer"}
STAFF_RULES = {"staff", "admin", "officer"}


def test_every_view_that_is_not_public_states_its_rule_with_the_decorator():
    from qmi.permissions import logged_in, rules_of

    urls = project_urls()
    unwrapped = sorted(
        name
        for name, rule in RULES.items()
        if rule in WRAPPED_RULES and not rules_of(urls[name].callback)
    )
    assert not unwrapped, (
        "Views without @rule(predicate) from qmi.permissions (see README, "
        f"'Permissions'): {unwrapped}"
    )
    login_only = sorted(
        name
        for name, rule in RULES.items()
        if rule in STAFF_RULES and set(rules_of(urls[name].callback)) <= {logged_in}
    )
    assert not login_only, f"Staff views that only ask for a log-in: {login_only}"
