"""The audit log page of a call: filters, pages, CSV export (formulas neutralised)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.text import slugify

from applications.forms.audit import AuditFilterForm
from applications.selectors.audit import CSV_HEADER, audit_entries, csv_rows

PAGE_SIZE = 50


def audit_log_page(request, call):
    communes = list(
        call.participations.order_by("commune__name").values_list("commune_id", "commune__name")
    )
    form = AuditFilterForm(request.GET or None, communes=communes)
    entries = audit_entries(call, form.filters())
    if request.GET.get("export") == "csv":
        from applications.views.staff import export_response

        return export_response(
            [str(label) for label in CSV_HEADER],
            csv_rows(entries),
            slugify(f"journal-{call.slug}"),
            "csv",
        )
    query = request.GET.copy()
    for name in ("page", "export"):
        query.pop(name, None)
    return render(
        request,
        "applications/staff/audit/audit_log.html",
        {
            "call": call,
            "form": form,
            "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query.urlencode(),
        },
    )
