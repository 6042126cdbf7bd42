"""Publication of a call's results and the decision messages."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.models import (
    Application,
    ApplicationTarget,
    OrganisationMembership,
    StaffJob,
)
from applications.permissions.staff import can_publish_results
from applications.services import jobs
from applications.services.selection import call_still_open_message
from calls.models import Call, Participation
from experimentations.services.pilots import create_pilots_for_call
from notifications.models import OutboxMessage
from notifications.services.outbox import queue_many

DECISION_KIND = "decision"


def unfinalised_communes(call):
    return list(
        call.participations.filter(selection_finalised_at__isnull=True)
        .order_by("commune__name")
        .values_list("commune__name", flat=True)
    )


def publish_results(*, user, call, job=None):
    """Publish once every commune has finalised; queue one message per application,
    commune and member. Publishing again queues nothing new. Returns the number of
    messages queued.

    The publication itself (checks under locks, the date, the pilots) is one
    transaction; the decision messages are then written by chunks, each in its own
    transaction, with ``job``'s progress: a run cut short is completed by running
    it again, which writes only the messages still missing.
    """
    with transaction.atomic():
        call = _publish(user=user, call=call)
    return queue_decision_messages(call, job=job)


def check_publishable(*, user, call):
    """Refuse (PermissionDenied, ValidationError) what the publication would refuse,
    without publishing: the page answers at once, the worker publishes."""
    with transaction.atomic():
        _publish(user=user, call=call, dry_run=True)


def _publish(*, user, call, dry_run=False):
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
    if dry_run:
        return call
    if call.results_published_at is None:
        call.results_published_at = timezone.now()
        call._history_user = user
        call.save(update_fields=["results_published_at"])
    create_pilots_for_call(call)
    return call


def request_publication(*, user, call):
    """Check, then hand the publication to a worker; returns its job at once.

    Call it outside any transaction: the job row must be committed before a
    worker looks for it.
    """
    check_publishable(user=user, call=call)
    job = StaffJob.objects.create(kind=StaffJob.Kind.PUBLICATION, call=call, requested_by=user)
    jobs.enqueue(job)
    return job


def run_publication(job_id):
    """The worker's side: publish, with progress; a retried job goes on where it stopped."""
    job = StaffJob.objects.select_related("call", "requested_by").get(pk=job_id)
    if job.state == StaffJob.State.DONE:
        return job
    StaffJob.objects.filter(pk=job.pk).update(
        state=StaffJob.State.RUNNING, started_at=timezone.now(), error=""
    )
    try:
        publish_results(user=job.requested_by, call=job.call, job=job)
    except (ValidationError, PermissionDenied) as error:
        messages = getattr(error, "messages", None) or [_("Publication refusée.")]
        StaffJob.objects.filter(pk=job.pk).update(
            state=StaffJob.State.FAILED, error=" ".join(messages), finished_at=timezone.now()
        )
        return job
    StaffJob.objects.filter(pk=job.pk).update(state=StaffJob.State.DONE, finished_at=timezone.now())
    return job


def latest_publication(call):
    return (
        StaffJob.objects.filter(call=call, kind=StaffJob.Kind.PUBLICATION)
        .order_by("-created_at")
        .first()
    )


def publication_progress(job):
    """Queued (rows to write), written, sent, for the results page (three counts)."""
    if job is None:
        return None
    sent = OutboxMessage.objects.filter(
        kind=DECISION_KIND,
        content_type=ContentType.objects.get_for_model(Application),
        object_id__in=Application.objects.filter(call_id=job.call_id).values("pk"),
        state=OutboxMessage.State.SENT,
    ).count()
    return {"job": job, "queued": job.total, "written": job.done, "sent": sent}


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


def queue_decision_messages(call, job=None, chunk_size=1000):
    """Write the decision messages by chunks of rows (keyset order, constant memory),
    each chunk in one transaction: one query for the members, one for the keys
    already queued, one bulk INSERT. Returns the number of rows written."""
    targets = ApplicationTarget.objects.filter(
        participation__call=call, application__state=Application.State.SUBMITTED
    )
    content_type = ContentType.objects.get_for_model(Application)
    if job is not None:
        total = (
            targets.order_by()
            .annotate(members=Count("application__organisation__memberships"))
            .aggregate(total=Sum("members"))["total"]
            or 0
        )
        StaffJob.objects.filter(pk=job.pk).update(total=total, done=0)
    communes = dict(call.participations.values_list("pk", "commune__name"))
    queued = written = 0
    last_pk = 0
    while True:
        chunk = list(
            targets.filter(pk__gt=last_pk)
            .select_related("application")
            .only(
                "pk",
                "participation_id",
                "decision",
                "decision_motivation",
                "eligibility",
                "eligibility_reason",
                "application__id",
                "application__reference",
                "application__title",
                "application__organisation_id",
            )
            .order_by("pk")[:chunk_size]
        )
        if not chunk:
            break
        last_pk = chunk[-1].pk
        members = {}
        for organisation_id, user_id, email, language in OrganisationMembership.objects.filter(
            organisation_id__in={t.application.organisation_id for t in chunk}
        ).values_list("organisation_id", "user_id", "user__email", "user__preferred_language"):
            members.setdefault(organisation_id, []).append((user_id, email, language))
        messages = []
        for target in chunk:
            context = _decision_context(call, target, communes[target.participation_id])
            for user_id, email, language in members.get(target.application.organisation_id, []):
                messages.append(
                    OutboxMessage(
                        recipient_id=user_id,
                        recipient_email=email,
                        kind=DECISION_KIND,
                        content_type=content_type,
                        object_id=target.application.pk,
                        occasion=str(target.participation_id),
                        language=language or settings.LANGUAGE_CODE,
                        context=context,
                    )
                )
        with transaction.atomic():
            queued += queue_many(messages)
        written += len(messages)
        if job is not None:
            StaffJob.objects.filter(pk=job.pk).update(done=written)
    return queued


def _decision_context(call, target, commune):
    decision = target.decision or ApplicationTarget.Decision.NOT_SELECTED
    motivation = target.decision_motivation
    if not motivation and target.eligibility == ApplicationTarget.Eligibility.INELIGIBLE:
        motivation = target.eligibility_reason
    application = target.application
    return {
        "reference": application.reference,
        "title": application.title,
        "commune": commune,
        "call_title": call.title,
        "decision": decision,
        "motivation": motivation,
        "path": _application_path(application),
    }


def _application_path(application):
    from django.urls import reverse

    return reverse("applications:detail", kwargs={"pk": application.pk})
