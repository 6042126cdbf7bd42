"""Dates as the platform writes them: Paris time, in the active language."""

from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _

PARIS = ZoneInfo("Europe/Paris")


def paris_datetime(value):
    """ "17 mars 2025 à 23 h 59 (heure de Paris)", in the active language."""
    if not value:
        return ""
    local = timezone.localtime(value, PARIS)
    day = formats.date_format(local, "j F Y")
    return _("%(day)s à %(hour)s h %(minute)s (heure de Paris)") % {
        "day": day,
        "hour": local.strftime("%H"),
        "minute": local.strftime("%M"),
    }
