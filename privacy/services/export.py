""" "Mes données": one archive (JSON and the original files) of what the platform holds
about a person, produced in the background and downloadable for a few days."""

import json
import logging
import secrets
import tempfile
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.functions import Now
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from kombu.exceptions import OperationalError as KombuOperationalError

from privacy.models import DataExport
from qmi.celery import registered_task

logger = logging.getLogger(__name__)


def validity():
    return timedelta(days=settings.QMI_RETENTION["EXPORT_DAYS"])


def exports_of(user, now=None):
    """The person's archives that can still be downloaded or are being made."""
    now = now or timezone.now()
    return DataExport.objects.filter(user=user, expires_at__gt=now)


def export_for_download(user, token, now=None):
    """A ready, unexpired archive of this user, or None: nobody downloads another's."""
    return (
        exports_of(user, now)
        .filter(token=token, state=DataExport.State.READY)
        .exclude(file="")
        .first()
    )


@transaction.atomic
def request_export(user):
    """Queue an archive, unless one is already being made."""
    pending = exports_of(user).filter(state=DataExport.State.PENDING).first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(
        user=user, token=secrets.token_urlsafe(32), expires_at=timezone.now() + validity()
    )
    transaction.on_commit(lambda: _enqueue(export.pk))
    return export


# An archive still pending after this long lost its broker message.
STALLED_AFTER = timedelta(minutes=10)


def _enqueue(export_id):
    """Hand the archive to a worker; with the broker down, the resume sweep does it later."""
    try:
        registered_task("privacy.build_data_export").delay(export_id)
    except (KombuOperationalError, OSError):
        logger.warning("Broker unavailable; data export %s left for the resume sweep", export_id)
        return False
    return True


def resume_stalled_exports():
    """Hand again the archives pending for longer than STALLED_AFTER (the database's clock)."""
    stalled = DataExport.objects.filter(
        state=DataExport.State.PENDING, created_at__lt=Now() - STALLED_AFTER
    ).values_list("pk", flat=True)
    return sum(_enqueue(pk) for pk in stalled)


def _fields(instance, exclude=()):
    data = model_to_dict(instance, exclude=list(exclude))
    for name in ("created_at", "updated_at", "submitted_at", "withdrawn_at"):
        if hasattr(instance, name):
            data[name] = getattr(instance, name)
    return {
        key: (str(value) if hasattr(value, "url") or hasattr(value, "code") else value)
        for key, value in data.items()
        if not hasattr(value, "__iter__") or isinstance(value, str | list | dict)
    }


def collect(user):
    """Everything about ``user``, as JSON-ready data, and the files to add: [(path, file)]."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    from applications.models import Application, OrganisationMembership, Review, TeamNote
    from communes.models import TeamMembership
    from notifications.models import AlertSubscription, OutboxMessage
    from questions.selectors import export_asked_by, export_for_application

    files = []
    data = {
        "generated_at": timezone.now(),
        "profile": {
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_metropolis_admin": user.is_metropolis_admin,
        },
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
        ),
        # Which second factors exist, never their secrets.
        "second_factors": [
            {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in Authenticator.objects.filter(user=user)
        ],
        "sessions": list(
            UserSession.objects.filter(user=user).values(
                "ip", "user_agent", "created_at", "last_seen_at"
            )
        ),
        "organisations": [],
        "commune_teams": [
            {"commune": m.commune.name, "role": m.role}
            for m in TeamMembership.objects.filter(user=user).select_related("commune")
        ],
        "applications": [],
        "reviews_written": [
            {
                "application": r.target.application.reference,
                "commune": r.target.participation.commune.name,
                "state": r.state,
                "comment": r.comment,
                "recommendation": r.recommendation,
                "conflict_of_interest": r.conflict_of_interest,
                "conflict_reason": r.conflict_reason,
            }
            for r in Review.objects.filter(reviewer=user).select_related(
                "target__application", "target__participation__commune"
            )
        ],
        "team_notes_written": [
            {"application": n.target.application.reference, "text": n.body}
            for n in TeamNote.objects.filter(author=user).select_related("target__application")
        ],
        "messages": [
            {
                "kind": m.kind,
                "to": m.recipient_email,
                "state": m.state,
                "created_at": m.created_at,
                "sent_at": m.sent_at,
                "content": m.context,
            }
            for m in OutboxMessage.objects.filter(recipient=user)
            | OutboxMessage.objects.filter(recipient_email__iexact=user.email)
        ],
        "alerts": [
            {
                "commune": a.commune.name if a.commune else None,
                "theme": str(a.tag) if a.tag else None,
                "confirmed_at": getattr(a, "confirmed_at", None),
                "created_at": a.created_at,
            }
            for a in AlertSubscription.objects.filter(email__iexact=user.email).select_related(
                "commune", "tag"
            )
        ],
    }
    for membership in OrganisationMembership.objects.filter(user=user).select_related(
        "organisation"
    ):
        data["organisations"].append(
            {
                "role": membership.role,
                "joined_at": membership.created_at,
                "organisation": _fields(membership.organisation, exclude=["members"]),
            }
        )
    applications = (
        Application.objects.of_member(user)
        .select_related("call", "organisation")
        .prefetch_related("revisions", "attachments", "targets__participation__commune")
        .distinct()
    )
    for application in applications:
        folder = get_valid_filename(application.reference or f"brouillon-{application.pk}")
        entry = _fields(application, exclude=["challenges", "created_by", "updated_by"])
        entry["call"] = application.call.title
        entry["organisation"] = application.organisation.name
        entry["communes"] = [
            {
                "commune": t.participation.commune.name,
                # Decisions are the candidate's only once published.
                "decision": t.published_decision,
            }
            for t in application.targets.all()
        ]
        entry["revisions"] = [
            {"number": r.number, "created_at": r.created_at, "content": r.content}
            for r in application.revisions.all()
        ]
        entry["attachments"] = []
        for attachment in application.attachments.all():
            path = (
                f"fichiers/{folder}/{attachment.pk}-{get_valid_filename(attachment.original_name)}"
            )
            entry["attachments"].append(
                {"name": attachment.original_name, "kind": attachment.kind, "file": path}
            )
            files.append((path, attachment.file))
        entry["questions"], question_files = export_for_application(user, application, folder)
        files.extend(question_files)
        data["applications"].append(entry)
    data["questions_asked"] = export_asked_by(user)
    return data, files


def build_export(export_id):
    """Write the ZIP, mark it ready and tell the person by e-mail (through the outbox)."""
    from notifications.services.outbox import queue_message

    export = DataExport.objects.select_related("user").get(pk=export_id)
    if export.state != DataExport.State.PENDING:
        return export
    data, files = collect(export.user)
    with tempfile.TemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "mes-donnees.json",
                json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
            for path, stored in files:
                try:
                    with stored.open("rb") as source, archive.open(path, "w") as target:
                        for chunk in iter(lambda s=source: s.read(1 << 20), b""):
                            target.write(chunk)
                except FileNotFoundError:
                    continue
        buffer.seek(0)
        export.file.save(f"{export.token}.zip", File(buffer), save=False)
    with transaction.atomic():
        export.state = DataExport.State.READY
        export.ready_at = timezone.now()
        export.save(update_fields=["file", "state", "ready_at"])
        queue_message(
            recipient=export.user,
            kind="data_export_ready",
            about=export,
            context={
                "expires_at": export.expires_at.isoformat(),
                "url": settings.SITE_URL + reverse("privacy:export"),
            },
        )
    return export
