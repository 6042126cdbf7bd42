"""Published decisions for the candidate pages (one line to include).

    {% load results_tags %}
    {% decisions_of application %}

Nothing shows before a metropolis admin publishes the call's results.
"""

from django import template

from applications.selectors.candidate import published_decisions

register = template.Library()


@register.inclusion_tag("applications/staff/results/_decisions.html")
def decisions_of(application, heading_level=2):
    return {"decisions": published_decisions(application), "heading": f"h{heading_level}"}
