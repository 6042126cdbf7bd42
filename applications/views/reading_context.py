"""What the reading aids add to the staff pages' context (kept apart from the views
so that applications.views.staff can import it)."""

from django.shortcuts import redirect
from django.urls import reverse

from applications.models import Attachment
from applications.permissions.staff import finalise_conflicts, is_manager_of
from applications.selectors import reading
from applications.services.attachments import PDF

navigation_query = reading.navigation_query


def back_to_application(request, target):
    """Back to the application page after a form, keeping the dashboard's order and
    filters that the form's action carried."""
    url = reverse("staff:application", args=[target.pk])
    query = navigation_query(request.GET)
    return redirect(f"{url}?{query}" if query else url)


def dashboard_context(request, participation, can_finalise):
    """The dashboard's query string carried to the application pages, and why a
    conflicted manager does not finalise."""
    context = {"nav_query": reading.navigation_query(request.GET)}
    if (
        not can_finalise
        and is_manager_of(request.user, participation)
        and not participation.is_finalised
    ):
        context["finalise_conflicts"] = list(
            finalise_conflicts(request.user, participation)
            .order_by("application__reference")
            .values_list("application__reference", flat=True)[:20]
        )
    return context


def page_context(request, target):
    """What the application page adds for reading: neighbours in the dashboard's
    order and filters, the revision history as this commune sees it, and the
    pitch deck to show inline when it is a PDF."""
    attachments = list(target.application.attachments.all())
    pitch_deck = next(
        (a for a in attachments if a.kind == Attachment.Kind.PITCH_DECK and a.content_type == PDF),
        None,
    )
    challenges = list(target.application.challenges.filter(participation=target.participation))
    return {
        "attachments": attachments,
        "challenges": challenges,
        "neighbours": reading.neighbours(request.user, target, request.GET),
        "revision_history": reading.revision_history(target, [c.title for c in challenges]),
        "pitch_deck": pitch_deck,
    }
