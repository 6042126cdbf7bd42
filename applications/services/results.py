"""Publication of a call's results and the decision messages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationTarget, OrganisationMembership
from applications.permissions.staff import can_publish_results
from calls.models import Call

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
    if not call.participations.exists():
        raise ValidationError(_("Aucune commune ne participe à cet appel."))
    waiting_for = unfinalised_communes(call)
    if waiting_for:
        raise ValidationError(
            _("Ces communes n'ont pas finalisé leur sélection : %(names)s.")
            % {"names": ", ".join(waiting_for)}
        )
    if call.results_published_at is None:
        call.results_published_at = timezone.now()
        call._history_user = user
        call.save(update_fields=["results_published_at"])
    return queue_decision_messages(call)


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
