"""What the staff and candidate application pages show about auditions, read here so
that those pages include one template and their views stay as they are."""

from django import template

from auditions import selectors
from auditions.permissions import (
    can_manage_auditions,
    can_respond_to_invitation,
    can_shortlist,
    can_view_auditions,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_audition_panel(context, target):
    user = context["request"].user
    participation = target.participation
    if not can_view_auditions(user, participation):
        return None
    panel = selectors.target_panel(target)
    panel["can_shortlist"] = can_shortlist(user, target)
    panel["can_manage"] = can_manage_auditions(user, participation)
    return panel


@register.simple_tag(takes_context=True)
def candidate_auditions(context, application):
    user = context["request"].user
    return [
        {"entry": entry, "can_respond": can_respond_to_invitation(user, entry)}
        for entry in selectors.invitations_for_application(user, application)
    ]
