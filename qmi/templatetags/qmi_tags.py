"""Shared template helpers: Paris time, countdowns, query strings, French typography."""

import html

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils import formats, timezone
from django.utils.html import conditional_escape, escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from qmi import typography
from qmi.dates import paris_datetime
from qmi.typography import elide, is_french, typeset_html

register = template.Library()


register.filter(paris_datetime)  # qmi.dates: services and PDFs use it too


def remaining_text(delta):
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d jour", "%(n)d jours", days) % {"n": days})
    if days or hours:
        parts.append(ngettext("%(n)d heure", "%(n)d heures", hours) % {"n": hours})
    parts.append(ngettext("%(n)d minute", "%(n)d minutes", mins) % {"n": mins})
    return " ".join(parts)


@register.inclusion_tag("qmi/countdown.html")
def countdown(deadline, now=None):
    """A countdown readable without JavaScript; qmi.js keeps it current."""
    now = now or timezone.now()
    delta = deadline - now
    return {
        "deadline": deadline,
        "iso": deadline.isoformat(),
        "closed": delta.total_seconds() <= 0,
        "remaining": remaining_text(delta) if delta.total_seconds() > 0 else "",
    }


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (sorting, paging)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def error_anchor(bound_field):
    """The id an error summary links to; a group of boxes has no label id, so its first box."""
    return bound_field.id_for_label or f"{bound_field.auto_id}_0"


@register.filter
def de(value):
    """ "Argenteuil" -> "d’Argenteuil", "Paris" -> "de Paris" in French; unchanged in English."""
    return elide("de", value) if is_french() else value


@register.filter
def que(value):
    """ "évaluateur" -> "qu’évaluateur", "manager" -> "que manager" in French."""
    return elide("que", value) if is_french() else value


@register.filter(name="typeset")
def typeset_filter(value):
    """French typesetting of a plain text (escaped first when it is not safe)."""
    # Escaped first; typesetting only changes spaces and apostrophes in the text.
    return mark_safe(typeset_html(conditional_escape(value)))  # noqa: S308


@register.filter
def french_sorted(values, attribute=None):
    """Sorted as a French reader expects (É with E), by ``attribute`` when given."""

    return typography.french_sorted(
        values, key=(lambda item: getattr(item, attribute)) if attribute else None
    )


@register.filter
def euros(value):
    """An amount in the reader's locale: "45 000 €" in French, "€45,000" in English."""
    if value is None or value == "":
        return "—"
    number = formats.number_format(
        value, 0 if float(value).is_integer() else 2, force_grouping=True
    )
    if is_french():
        return f"{number}\u202f€"
    return f"€{number}"


@register.simple_tag(takes_context=True)
def block_text(context, name):
    """The text of the page's block ``name`` (tags dropped, spaces collapsed, escaped), so
    that a <meta> repeats the page's own title or description without a second block."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context else None
    if block is None:
        return ""
    with context.push():
        rendered = block.nodelist.render(context)
    return escape(" ".join(html.unescape(strip_tags(rendered)).split()))


class TypesetNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return typeset_html(self.nodelist.render(context))


@register.tag
def typeset(parser, token):
    """{% typeset %}…{% endtypeset %}: French typesetting of the text of a block of HTML."""
    nodelist = parser.parse(("endtypeset",))
    parser.delete_first_token()
    return TypesetNode(nodelist)


@register.filter
def error_count(form):
    """How many errors a form (or a formset) holds: not how many fields have one."""
    if form is None:
        return 0
    if hasattr(form, "forms"):  # a formset
        return len(form.non_form_errors()) + sum(error_count(f) for f in form.forms)
    return sum(len(errors) for errors in form.errors.values())
