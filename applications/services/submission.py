"""Submission, receipt and withdrawal."""

from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationTarget
from applications.permissions.candidate import can_withdraw_application, is_member
from applications.services.drafting import is_complete, missing_by_step, record_revision
from calls.models import Edition
from notifications.services import queue_message

PARIS = ZoneInfo("Europe/Paris")


class SubmissionRefused(ValidationError):
    pass


def next_reference(edition_id):
    """QMI2-0042: the edition's counter, incremented under a row lock, never reused."""
    edition = Edition.objects.select_for_update().get(pk=edition_id)
    edition.last_application_number += 1
    edition.save(update_fields=["last_application_number"])
    return f"{edition.code}-{edition.last_application_number:04d}"


def submit_application(*, application, user, now=None):
    """Submit a complete draft while the call is open (server time, strictly before closes_at)."""
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("call", "organisation")
            .get(pk=application.pk)
        )
        # The clock is read once the row is locked: nothing waits past the deadline.
        now = now or timezone.now()
        if not is_member(user, locked.organisation_id):
            raise PermissionDenied
        if locked.state != Application.State.DRAFT:
            raise SubmissionRefused(_("Cette candidature a déjà été déposée."))
        if not locked.call.is_open(now):
            raise SubmissionRefused(
                _(
                    "La date limite de dépôt est passée : votre candidature n'a pas été "
                    "déposée. Votre brouillon est conservé tel quel."
                )
            )
        if not is_complete(locked):
            missing = [item for items in missing_by_step(locked).values() for item in items]
            raise SubmissionRefused(
                _("La candidature est incomplète. Il manque : %(missing)s.")
                % {"missing": ", ".join(str(m) for m in missing)}
            )
        locked.reference = next_reference(locked.call.edition_id)
        locked.state = Application.State.SUBMITTED
        locked.submitted_at = now
        locked.updated_by = user
        locked.save()
        record_revision(locked, user)
        _queue_receipts(locked)
    return locked


def _queue_receipts(application):
    local = timezone.localtime(application.submitted_at, PARIS)
    context = {
        "reference": application.reference,
        "title": application.title,
        "summary": application.summary,
        "call": application.call.title,
        "organisation": application.organisation.name,
        "communes": [t.participation.commune.name for t in application.targets.all()],
        "attachments": [a.original_name for a in application.attachments.all()],
        "submitted_at_paris": local.strftime("%d/%m/%Y %H:%M:%S"),
        "closes_at_paris": timezone.localtime(application.call.closes_at, PARIS).strftime(
            "%d/%m/%Y %H:%M"
        ),
    }
    for membership in application.organisation.memberships.select_related("user"):
        queue_message(
            recipient=membership.user,
            kind="submission_receipt",
            about=application,
            context=context,
        )


def withdrawal_refusal(application):
    """Why this application cannot be withdrawn, in the candidate's words."""
    if application.state == Application.State.DRAFT:
        return _(
            "Ce brouillon n'a pas été déposé : il n'y a rien à retirer, aucune commune ne le voit."
        )
    if application.state == Application.State.WITHDRAWN:
        return _("Cette candidature est déjà retirée.")
    if application.call.results_published:
        return _(
            "Les résultats de l'appel sont publiés : la candidature ne peut plus être retirée."
        )
    return _("Seuls les membres de l'organisation peuvent retirer sa candidature.")


def withdraw_application(*, application, user, now=None):
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        )
        if not can_withdraw_application(user, locked):
            raise SubmissionRefused(withdrawal_refusal(locked))
        locked.state = Application.State.WITHDRAWN
        locked.withdrawn_at = now or timezone.now()
        locked.updated_by = user
        locked.save()
        # A withdrawn project gives its seat back, so the commune can select another.
        for target in locked.targets.select_for_update().exclude(decision=""):
            target.decision = ApplicationTarget.Decision.NONE
            target.selection_slot = None
            target._history_user = user
            target.save(update_fields=["decision", "selection_slot"])
    return locked
