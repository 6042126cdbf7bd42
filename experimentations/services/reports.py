"""Progress reports: filed by the laureate with private attachments; notices on arrival."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.services.attachments import sha256_of, validate_uploads
from communes.models import TeamMembership
from experimentations.models import Report, ReportAttachment
from experimentations.permissions import can_file_report

REPORT_FILED = "report_filed"
MAX_ATTACHMENTS = 5


def file_report(*, user, report, text, files=()):
    """Write (or rewrite) a report; the first filing notifies the officer and the commune team.

    Every file is checked before anything is written: a refused file leaves
    the report as it was, and the text typed is kept by the form.
    """
    if not can_file_report(user, report):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Écrivez le rapport avant de le déposer.")})
    if report.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "files": _("Un rapport compte %(max)d pièces jointes au plus.")
                % {"max": MAX_ATTACHMENTS}
            }
        )
    checked = validate_uploads(files)
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("pilot").get(pk=report.pk)
        first_filing = locked.submitted_at is None
        locked.text = text
        if first_filing:
            locked.submitted_at = timezone.now()
            locked.submitted_by = user
        locked.save()
        for uploaded, content_type, name in checked:
            attachment = ReportAttachment(
                report=locked,
                original_name=name,
                content_type=content_type,
                size=uploaded.size,
                sha256=sha256_of(uploaded),
                uploaded_by=user,
            )
            attachment.file.save(name, uploaded, save=False)
            attachment.save()
        if first_filing:
            queue_report_notices(report.pilot, locked)
    return locked


def delete_report_attachment(*, user, attachment):
    if not can_file_report(user, attachment.report):
        raise PermissionDenied
    path, storage = attachment.file.name, attachment.file.storage
    with transaction.atomic():
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(path))


def queue_report_notices(pilot, report):
    """ "A report arrived" to the pilot's officer and the commune's team, once each."""
    from notifications.services import queue_for_each

    recipients = {}
    if pilot.officer_id:
        recipients[pilot.officer_id] = pilot.officer
    for membership in TeamMembership.objects.filter(
        commune_id=pilot.participation.commune_id
    ).select_related("user"):
        recipients.setdefault(membership.user_id, membership.user)
    context = {
        "report": str(report.label),
        "title": pilot.application.title,
        "organisation": pilot.application.organisation.name,
        "commune": pilot.participation.commune.name,
        "url": settings.SITE_URL
        + reverse("experimentations:report", kwargs={"pk": pilot.pk, "report_pk": report.pk}),
    }
    return queue_for_each(
        (user for user in recipients.values() if user.is_active),
        kind=REPORT_FILED,
        about=report,
        occasion="filed",
        context=context,
    )
