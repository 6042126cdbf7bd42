"""Erasing what belongs to one person or one application, leaving what must stay."""

from django.db import transaction

from applications.models import Application, Attachment


def delete_files(attachments):
    """Remove the stored files once the transaction that forgets them commits."""
    paths = [(a.file.storage, a.file.name) for a in attachments if a.file]

    def remove():
        for storage, name in paths:
            storage.delete(name)

    transaction.on_commit(remove)


def delete_applications(queryset):
    """Delete applications (drafts) with their files; returns how many."""
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    delete_files(Attachment.objects.filter(application_id__in=ids))
    Application.objects.filter(pk__in=ids).delete()
    return len(ids)
