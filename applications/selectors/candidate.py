"""Reads for the candidate side."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from applications.models import Application, ApplicationTarget, Attachment, Organisation


def organisations_of(user):
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def organisation_for_member(user, pk):
    return get_object_or_404(organisations_of(user), pk=pk)


def _with_content(queryset):
    return queryset.select_related("call__edition", "organisation").prefetch_related(
        Prefetch(
            "targets",
            queryset=ApplicationTarget.objects.select_related("participation__commune"),
        ),
        "attachments",
        "challenges",
    )


def my_applications(user):
    """Every application of the user's organisations, with what the list needs."""
    return _with_content(Application.objects.visible_to(user).of_member(user)).order_by(
        "call__closes_at", "organisation__name"
    )


def application_for_member(user, pk):
    """An application of one of the user's organisations, or 404 (forged ids included)."""
    return get_object_or_404(
        _with_content(Application.objects.visible_to(user).of_member(user)), pk=pk
    )


def attachment_for_download(user, pk):
    """An attachment of an application the user may see, or 404."""
    return get_object_or_404(
        Attachment.objects.select_related("application").filter(
            application__in=Application.objects.visible_to(user)
        ),
        pk=pk,
    )


def revisions_of(application):
    return application.revisions.select_related("author").order_by("-number")
