"""Figures in the reader's locale: "1 234" and "83 %" in French, "1,234" and "83%" in English."""

from django import template
from django.utils import formats
from django.utils.translation import get_language

from stats.charts import Percent

register = template.Library()


@register.filter
def figure(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, Percent):
        number = formats.number_format(value, 0 if float(value).is_integer() else 1)
        # French puts a (narrow) non-breaking space before the percent sign.
        return f"{number}\u202f%" if (get_language() or "fr").startswith("fr") else f"{number}%"
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return formats.number_format(value, 0, force_grouping=True)
    if isinstance(value, float):
        return formats.number_format(value, 1, force_grouping=True)
    return value


@register.filter
def percent(value):
    return figure(None if value is None else Percent(value))
