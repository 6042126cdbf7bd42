"""Dashboards (staff), public statistics, open data files and their documentation."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from applications.services.exports import to_csv
from calls.models import Edition
from communes.models import Commune
from qmi.permissions import rule
from stats import opendata, permissions, selectors
from stats.charts import csv_rows
from stats.forms import ScopeForm
from stats.http import conditional


def _chart_csv(charts, key, filename):
    chart = charts.get(key)
    if chart is None:
        raise Http404(_("Ce graphique n’existe pas."))
    header, rows = csv_rows(chart)
    response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}-{key}.csv"'
    return response


def _render_dashboard(request, template, form, extra):
    status = 200
    charts = {}
    scope = None
    if form.is_valid():
        data = form.cleaned_data
        scope = selectors.Scope(
            data["edition"],
            call=data.get("call"),
            commune=extra.get("commune") or data.get("commune"),
        )
        charts = selectors.dashboard(scope)
        export = request.GET.get("export")
        if export:
            return _chart_csv(charts, export, f"{scope.edition.code}")
    else:
        status = 400
    return render(
        request,
        template,
        {"form": form, "scope": scope, "charts": list(charts.values()), **extra},
        status=status,
    )


@rule(permissions.can_see_programme_dashboard)
def programme_dashboard(request):
    communes = permissions.dashboard_communes(request.user)
    form = ScopeForm(request.GET, editions=Edition.objects.all(), communes=communes)
    return _render_dashboard(request, "stats/dashboard.html", form, {"communes": communes})


def _commune(user, slug):
    return get_object_or_404(Commune, slug=slug)


@rule(permissions.can_see_commune_dashboard, commune=("slug", _commune))
def commune_dashboard(request, commune):
    form = ScopeForm(request.GET, editions=Edition.objects.filter(participations__commune=commune))
    return _render_dashboard(request, "stats/commune_dashboard.html", form, {"commune": commune})


@rule(permissions.can_see_a_dashboard)
def dashboard_home(request):
    """Managers of one commune land on its dashboard; admins on the programme's."""
    if permissions.can_see_programme_dashboard(request.user):
        return programme_dashboard(request)
    communes = list(permissions.dashboard_communes(request.user))
    return render(request, "stats/dashboard_home.html", {"communes": communes})


# Public.


def statistics_index(request):
    return render(
        request, "stats/statistics_index.html", {"editions": selectors.editions_for_statistics()}
    )


def edition_statistics(request, slug):
    edition = get_object_or_404(Edition, slug=slug)
    charts = selectors.public_statistics(edition)
    export = request.GET.get("export")
    if export:
        return _chart_csv(charts, export, edition.code)
    return render(
        request,
        "stats/edition_statistics.html",
        {
            "edition": edition,
            "figures": selectors.public_figures(edition),
            "charts": list(charts.values()),
        },
    )


def open_data(request):
    return render(
        request,
        "stats/open_data.html",
        {
            "columns": opendata.COLUMNS,
            "licence": opendata.LICENCE,
            "licence_url": opendata.LICENCE_URL,
            "count": opendata.laureate_targets().count(),
        },
    )


def open_data_csv(request):
    response = HttpResponse(
        opendata.to_csv(opendata.records()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="qmi-laureats.csv"'
    return conditional(request, response, max_age=300)


def open_data_json(request):
    body = {
        "title": "Lauréats des Quartiers Métropolitains d'Innovation",
        "licence": opendata.LICENCE,
        "licence_url": opendata.LICENCE_URL,
        "columns": opendata.FIELDS,
        "records": opendata.records(),
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = 'inline; filename="qmi-laureats.json"'
    return conditional(request, response, max_age=300)
