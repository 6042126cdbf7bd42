"""Public pages cached per language for visitors who are not logged in.

The rendered page is kept under a key naming the page, the language, the path
and a content version; the version moves whenever a public model changes
(signals below), so a change shows at once. The cache also expires at the next
opening or closing of a call (a call's state is derived from time). Logged-in
people, and visitors with a message to read, always get a fresh page: nothing
personal is ever cached. The CSRF token of the page's forms is put back per
visitor.
"""

import datetime

from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.utils import timezone, translation

VERSION_KEY = "public-pages:version"
MAX_AGE = 300
CSRF_PLACEHOLDER = "qmi-csrf-placeholder-7f3a"
# Models whose rows show on the home page, the list of calls or a call's page.
PUBLIC_APPS = {"calls", "communes", "experimentations"}


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = int(timezone.now().timestamp() * 1000)
        cache.add(VERSION_KEY, version, None)
    return version


def bump_version(**kwargs):
    """Called on every change of a public model: every cached page is stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, int(timezone.now().timestamp() * 1000), None)


def _public_model_changed(sender, **kwargs):
    # Organisations: a laureate's name shows on its call's page.
    if sender._meta.app_label in PUBLIC_APPS or sender._meta.label == "applications.Organisation":
        bump_version()


post_save.connect(_public_model_changed, dispatch_uid="public_pages_save")
post_delete.connect(_public_model_changed, dispatch_uid="public_pages_delete")


def _seconds_until_next_boundary(now):
    """Until the next opening or closing of a published call (at most MAX_AGE)."""
    from calls.models import Call

    horizon = now + datetime.timedelta(seconds=MAX_AGE)
    soon = Q(opens_at__gt=now, opens_at__lte=horizon) | Q(closes_at__gt=now, closes_at__lte=horizon)
    upcoming = [
        moment
        for pair in Call.objects.published()
        .filter(soon)
        .order_by()
        .values_list("opens_at", "closes_at")
        for moment in pair
        if now < moment <= horizon
    ]
    if not upcoming:
        return MAX_AGE
    return max(1, int((min(upcoming) - now).total_seconds()))


def cacheable(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def _key(request, name):
    return (
        f"public-pages:{content_version()}:{name}:{translation.get_language()}:"
        f"{request.get_full_path()}"
    )


def public_bytes(request, name, build):
    """``build()`` (bytes of a public document, e.g. a generated PDF), from the cache for
    visitors, under the same versioned, per-language keys as the pages."""
    if not cacheable(request):
        return build()
    key = _key(request, name)
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, _seconds_until_next_boundary(timezone.now()))
    return data


def render_public(request, name, template, build_context, status=200):
    """Render ``template`` with ``build_context()``, from the cache for visitors."""
    if not cacheable(request):
        return render(request, template, build_context(), status=status)
    key = _key(request, name)
    html = cache.get(key)
    if html is None:
        context = {**build_context(), "csrf_token": CSRF_PLACEHOLDER}
        html = render(request, template, context, status=status).content.decode()
        cache.set(key, html, _seconds_until_next_boundary(timezone.now()))
    response = HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)), status=status)
    response["Vary"] = "Cookie, Accept-Language"
    return response
