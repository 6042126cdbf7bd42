"""Published results for the public and candidate pages (one line to include).

    {% load results_tags %}
    {% laureates_list call=call %}            (or commune=..., edition=...)
    {% decisions_of application %}            (candidate side)

Nothing shows before a metropolis admin publishes the call's results.
"""

from django import template

from applications.selectors.staff import laureates, published_decisions

register = template.Library()


@register.inclusion_tag("applications/staff/results/_laureates.html")
def laureates_list(call=None, commune=None, edition=None, heading_level=2):
    return {
        "laureates": list(laureates(call=call, commune=commune, edition=edition)),
        "show_commune": commune is None,
        "heading": f"h{heading_level}",
    }


@register.inclusion_tag("applications/staff/results/_decisions.html")
def decisions_of(application, heading_level=2):
    return {"decisions": published_decisions(application), "heading": f"h{heading_level}"}
