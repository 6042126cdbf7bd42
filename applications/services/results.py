"""Publication of a call's results and the decision messages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import Application, ApplicationTarget, OrganisationMembership
from applications.permissions.staff import can_publish_results
from applications.services.selection import call_still_open_message
from calls.models import Call, Participation
from experimentations.services.pilots import create_pilots_for_call

DECISION_KIND = "decision"


def unfinalised_communes(call):
    return list(
        call.participations.filter(selection_finalised_at__isnull=True)
        .order_by("commune__name")
        .values_list("commune__name", flat=True)
    )


@transaction.atomic
def publish_results(*, user, call):
    """Publish once every commune has finalised; queue one message per application,
    commune and member. Publishing again queues nothing new. Returns the number of
    messages queued."""
    if not can_publish_results(user, call):
        raise PermissionDenied
    call = Call.objects.select_for_update().get(pk=call.pk)
    still_open = call_still_open_message(call)
    if still_open:
        raise ValidationError(still_open)
    # Decisions lock their participation first: holding every row, the counts below
    # cannot move before this transaction commits.
    participations = list(
        Participation.objects.select_for_update(of=("self",))
        .filter(call=call)
        .select_related("commune")
        .order_by("pk")
    )
    if not participations:
        raise ValidationError(_("Aucune commune ne participe à cet appel."))
    waiting_for = unfinalised_communes(call)
    if waiting_for:
        raise ValidationError(
            _("Ces communes n'ont pas finalisé leur sélection : %(names)s.")
            % {"names": ", ".join(waiting_for)}
        )
    outside = _outside_quota(call, participations)
    if outside:
        raise ValidationError(
            _(
                "Le nombre de projets retenus n'est plus dans le quota (un lauréat s'est "
                "peut-être retiré) ; rouvrez la sélection de ces communes : %(details)s."
            )
            % {"details": "; ".join(outside)}
        )
    if call.results_published_at is None:
        call.results_published_at = timezone.now()
        call._history_user = user
        call.save(update_fields=["results_published_at"])
    create_pilots_for_call(call)
    return queue_decision_messages(call)


def _outside_quota(call, participations):
    """Communes whose selection left quota_min..quota_max since finalisation.

    A withdrawal frees its seat without the participation lock, so the selected
    rows are locked too: a withdrawal either committed before (and is counted) or
    waits for the publication.
    """
    selected = ApplicationTarget.objects.filter(
        participation__call=call,
        decision=ApplicationTarget.Decision.SELECTED,
        application__state=Application.State.SUBMITTED,
    )
    list(selected.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    counts = dict(
        selected.order_by()
        .values("participation")
        .annotate(count=Count("pk"))
        .values_list("participation", "count")
    )
    outside = []
    for participation in participations:
        count = counts.get(participation.pk, 0)
        if not participation.quota_min <= count <= participation.quota_max:
            outside.append(
                ngettext(
                    "%(commune)s (%(count)d projet retenu pour %(min)d à %(max)d)",
                    "%(commune)s (%(count)d projets retenus pour %(min)d à %(max)d)",
                    count,
                )
                % {
                    "commune": participation.commune.name,
                    "count": count,
                    "min": participation.quota_min,
                    "max": participation.quota_max,
                }
            )
    return outside


def queue_decision_messages(call):
    from notifications.services import queue_message

    targets = (
        ApplicationTarget.objects.filter(
            participation__call=call, application__state=Application.State.SUBMITTED
        )
        .select_related("application", "participation__commune")
        .order_by("application__reference", "participation__commune__name")
    )
    members = {}
    for membership in OrganisationMembership.objects.filter(
        organisation__applications__call=call,
        organisation__applications__state=Application.State.SUBMITTED,
    ).select_related("user"):
        members.setdefault(membership.organisation_id, []).append(membership.user)
    queued = 0
    for target in targets:
        decision = target.decision or ApplicationTarget.Decision.NOT_SELECTED
        motivation = target.decision_motivation
        if not motivation and target.eligibility == ApplicationTarget.Eligibility.INELIGIBLE:
            motivation = target.eligibility_reason
        application = target.application
        context = {
            "reference": application.reference,
            "title": application.title,
            "commune": target.participation.commune.name,
            "call_title": call.title,
            "decision": decision,
            "motivation": motivation,
            "path": _application_path(application),
        }
        for member in members.get(application.organisation_id, []):
            _message, created = queue_message(
                recipient=member,
                kind=DECISION_KIND,
                about=application,
                occasion=str(target.participation_id),
                context=context,
            )
            queued += created
    return queued


def _application_path(application):
    from django.urls import NoReverseMatch, reverse

    for name, kwargs in (
        ("applications:application_detail", {"pk": application.pk}),
        ("applications:detail", {"pk": application.pk}),
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return reverse("applications:my_applications")
