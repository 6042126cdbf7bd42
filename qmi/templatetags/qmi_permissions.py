"""Templates ask the permission predicates the views enforce (qmi.permissions).

{% load qmi_permissions %}
{% may "applications.can_decide" target as can_decide %}
{% may "stats.can_see_programme_dashboard" as show_dashboard %}
"""

from django import template

from qmi.permissions import predicate_named

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, predicate, *objects):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return False
    return bool(predicate_named(predicate)(user, *objects))
