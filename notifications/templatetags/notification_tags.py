"""Helpers for notification and mail templates."""

from datetime import datetime

from django import template

from notifications.kinds import kind_label as _kind_label
from qmi.dates import paris_datetime

register = template.Library()


@register.filter
def kind_label(kind):
    return _kind_label(kind)


@register.filter
def mail_datetime(value):
    """Paris time of a datetime or of an ISO string (outbox contexts are JSON)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return paris_datetime(value)


@register.simple_tag
def failed_outbox_count():
    """Messages that failed after every retry (one count query), for the back-office menu."""
    from notifications.selectors import failed_count

    return failed_count()
