"""Behind N reverse proxies, rate limits count per visitor, not per proxy."""

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.test import RequestFactory


def request_through_proxy():
    return RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1"
    )


def test_log_in_rate_limits_follow_the_api_proxy_count():
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


def test_without_proxies_a_forged_forwarded_for_never_picks_the_bucket():
    assert get_adapter().get_client_ip(request_through_proxy()) == "10.0.0.2"


def test_behind_one_proxy_the_bucket_is_the_address_it_appended(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert get_adapter().get_client_ip(request_through_proxy()) == "10.0.0.1"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    assert get_adapter().get_client_ip(request_through_proxy()) == "203.0.113.7"
