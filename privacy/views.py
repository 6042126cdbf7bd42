from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from privacy.services import export as exports
from qmi.files import private_file_response
from qmi.permissions import logged_in, rule


@rule(logged_in)
def export(request):
    """ "Mes données": ask for an archive, see its state, download it."""
    if request.method == "POST":
        exports.request_export(request.user)
        messages.success(
            request,
            _(
                "Votre archive est en préparation. Vous recevrez un e-mail dès qu’elle sera "
                "prête ; elle sera aussi téléchargeable sur cette page."
            ),
        )
        return redirect("privacy:export")
    return render(
        request,
        "privacy/export.html",
        {
            "exports": exports.exports_of(request.user),
            "days": exports.validity().days,
        },
    )


@rule(logged_in)
def export_download(request, token):
    """Only the person the archive is about, while it is valid."""
    archive = exports.export_for_download(request.user, token)
    if archive is None:
        raise Http404
    return private_file_response(
        archive.file,
        filename=f"mes-donnees-qmi-{archive.created_at:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
