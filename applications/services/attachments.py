"""Attachments: checked by content, stored privately under a random name."""

import hashlib
import os
import re
import unicodedata
import zipfile

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Application, Attachment
from applications.services.drafting import lock_for_edit, record_revision

MAX_SIZE = 10 * 1024 * 1024
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: ".pdf", "image/png": ".png", "image/jpeg": ".jpg", DOCX: ".docx", XLSX: ".xlsx"}
# Parts an Office file must contain: a zip without them is not a document.
OFFICE_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
# An Office file is a zip: what it declares once expanded is bounded, in total,
# in entries and in compression ratio, so a "ZIP bomb" renamed .docx is refused
# before anything (an indexer, an antivirus, a reviewer's viewer) expands it.
# Real documents stay far below: text XML compresses about 5 to 20 times.
OFFICE_MAX_EXPANDED = 100 * 1024 * 1024
OFFICE_MAX_ENTRIES = 2000
OFFICE_MAX_RATIO = 200


class ArchiveTooLarge(ValidationError):
    pass


def check_archive(archive):
    """Refuse a zip whose declared expanded size, entry count or ratio is abnormal."""
    entries = archive.infolist()
    expanded = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries)
    too_many = len(entries) > OFFICE_MAX_ENTRIES
    too_big = expanded > OFFICE_MAX_EXPANDED
    too_dense = any(
        entry.file_size > OFFICE_MAX_RATIO * max(entry.compress_size, 1) for entry in entries
    ) or expanded > OFFICE_MAX_RATIO * max(compressed, 1)
    if too_many or too_big or too_dense:
        raise ArchiveTooLarge(
            {
                "file": _(
                    "Ce document se décompresse en un volume anormal (%(size)s Mo déclarés) : "
                    "il est refusé. Enregistrez-le à nouveau depuis votre traitement de texte "
                    "ou votre tableur, ou envoyez un PDF."
                )
                % {"size": expanded // (1024 * 1024)}
            }
        )


def sanitise_filename(name):
    """A display name without any path, control character or odd punctuation."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[^\w.\- ()]", "_", name).strip(" .")
    stem, ext = os.path.splitext(name)
    return (stem[:120] or "document") + ext[:10].lower()


def detect_type(uploaded):
    """The MIME type read from the content, or None when it is not an accepted type."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime == PDF:
        return PDF if head.startswith(b"%PDF-") else None
    if mime in ("image/png", "image/jpeg"):
        return mime
    if mime in ("application/zip", DOCX, XLSX):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
                check_archive(archive)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
            return None
        finally:
            uploaded.seek(0)
        if "[Content_Types].xml" not in names:
            return None
        for office_mime, part in OFFICE_PARTS.items():
            if part in names:
                return office_mime
    return None


def validate_upload(uploaded, kind):
    """Return (content type, clean name) or raise ValidationError for the ``file`` field."""
    if uploaded.size == 0:
        raise ValidationError({"file": _("Le fichier est vide.")})
    if uploaded.size > MAX_SIZE:
        raise ValidationError({"file": _("Le fichier dépasse la taille maximale de 10 Mo.")})
    content_type = detect_type(uploaded)
    if content_type is None:
        raise ValidationError(
            {
                "file": _(
                    "Type de fichier refusé : seuls les PDF, PNG, JPEG, DOCX et XLSX sont "
                    "acceptés (le contenu du fichier est vérifié, pas seulement son nom)."
                )
            }
        )
    if kind == Attachment.Kind.PITCH_DECK and content_type != PDF:
        raise ValidationError({"file": _("La présentation (pitch deck) doit être un PDF.")})
    name = sanitise_filename(uploaded.name)
    stem, _ext = os.path.splitext(name)
    return content_type, stem + EXTENSIONS[content_type]


def validate_uploads(files, field="files"):
    """Check several files like ``validate_upload`` before anything is written: a list of
    (file, content type, clean name), or a ValidationError on ``field`` naming the file."""
    checked = []
    for uploaded in files:
        try:
            content_type, name = validate_upload(uploaded, None)
        except ValidationError as error:
            messages = error.message_dict.get("file", error.messages)
            raise ValidationError(
                {field: [f"{uploaded.name} : {message}" for message in messages]}
            ) from error
        checked.append((uploaded, content_type, name))
    return checked


def sha256_of(uploaded):
    """The hex SHA-256 of an uploaded file, read by chunks and rewound for storing."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def add_attachment(*, application, user, uploaded, kind, document_type=None, expected_version=None):
    """Store a checked file; ``document_type``: the call's document it provides, if any."""
    if document_type is not None and document_type.call_id != application.call_id:
        raise ValidationError({"kind": _("Cette pièce n'est pas demandée par cet appel.")})
    content_type, name = validate_upload(uploaded, kind)
    digest = sha256_of(uploaded)
    with transaction.atomic():
        locked = lock_for_edit(
            application=application, user=user, expected_version=expected_version
        )
        if kind == Attachment.Kind.PITCH_DECK:
            # One pitch deck: a new one replaces the previous one.
            for old in locked.attachments.filter(kind=Attachment.Kind.PITCH_DECK):
                _delete(old)
        attachment = Attachment(
            application=locked,
            kind=kind,
            document_type=document_type,
            original_name=name,
            content_type=content_type,
            size=uploaded.size,
            sha256=digest,
            uploaded_by=user,
        )
        attachment.file.save(name, uploaded, save=False)
        attachment.save()
        if locked.state == Application.State.SUBMITTED:
            record_revision(locked, user)
    return attachment


def _delete(attachment):
    path = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(path))


def delete_attachment(*, attachment, user):
    with transaction.atomic():
        locked = lock_for_edit(application=attachment.application, user=user)
        if (
            locked.state == Application.State.SUBMITTED
            and attachment.kind == Attachment.Kind.PITCH_DECK
            and not locked.attachments.filter(kind=Attachment.Kind.PITCH_DECK)
            .exclude(pk=attachment.pk)
            .exists()
        ):
            # A submitted application must keep its required pitch deck (rolls back the lock).
            raise ValidationError(
                _(
                    "Une candidature déposée doit garder sa présentation (pitch deck) : "
                    "elle n'a pas été supprimée. Déposez d'abord la nouvelle présentation, "
                    "elle remplacera l'ancienne."
                )
            )
        if (
            locked.state == Application.State.SUBMITTED
            and attachment.document_type_id is not None
            and not locked.attachments.filter(document_type_id=attachment.document_type_id)
            .exclude(pk=attachment.pk)
            .exists()
        ):
            raise ValidationError(
                _(
                    "Une candidature déposée doit garder la pièce « %(name)s » demandée par "
                    "l'appel : elle n'a pas été supprimée. Déposez d'abord le nouveau fichier, "
                    "puis supprimez l'ancien."
                )
                % {"name": attachment.document_type.name}
            )
        _delete(attachment)
        if locked.state == Application.State.SUBMITTED:
            record_revision(locked, user)
