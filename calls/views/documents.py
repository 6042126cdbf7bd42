"""Back-office: the documents a call asks every candidate for (besides the pitch deck)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from calls import selectors, services
from calls.document_forms import DocumentTypeFormSet
from calls.permissions import metropolis_admin_required


@metropolis_admin_required
def call_documents(request, pk):
    call = get_object_or_404(selectors.backoffice_calls(), pk=pk)
    formset = DocumentTypeFormSet(request.POST or None, instance=call, prefix="documents")
    if request.method == "POST" and formset.is_valid():
        services.save_document_types(formset=formset)
        messages.success(request, _("Les pièces demandées sont enregistrées."))
        return redirect("backoffice:call_detail", pk=call.pk)
    return render(
        request,
        "calls/backoffice/call_documents.html",
        {"call": call, "formset": formset},
        status=400 if request.method == "POST" else 200,
    )
