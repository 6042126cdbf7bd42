"""The public read-only API: editions, communes, calls and published laureates.

Only GET (and HEAD, OPTIONS); no authentication, so a logged-in visitor sees
exactly what anyone sees. Every answer carries an ETag and a Last-Modified.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from api import selectors
from api.serializers import (
    CallFilter,
    CallSerializer,
    CommuneFilter,
    CommuneSerializer,
    EditionSerializer,
    ErrorSerializer,
    LaureateFilter,
    LaureateSerializer,
)
from stats.http import conditional
from stats.opendata import pilots_of

NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Introuvable (ou page hors limites).")
BAD_FILTER = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Filtre mal formé : le corps dit lequel et pourquoi."
)
TOO_MANY = OpenApiResponse(ErrorSerializer, description="Trop de requêtes depuis cette adresse.")


def _list_doc(serializer, filters=None, summary=""):
    responses = {200: serializer(many=True), 404: NOT_FOUND, 429: TOO_MANY}
    if filters:
        responses[400] = BAD_FILTER
    return extend_schema(
        summary=summary, parameters=[filters] if filters else None, responses=responses
    )


def _detail_doc(serializer, summary=""):
    return extend_schema(
        summary=summary, responses={200: serializer, 404: NOT_FOUND, 429: TOO_MANY}
    )


class PublicViewSet(viewsets.GenericViewSet):
    filter_class = None

    def filters(self):
        if self.filter_class is None:
            return {}
        form = self.filter_class(data=self.request.query_params)
        form.is_valid(raise_exception=True)
        return form.validated_data

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return conditional(request, response)


@extend_schema_view(
    list=_list_doc(EditionSerializer, summary="Éditions du programme"),
    retrieve=_detail_doc(EditionSerializer, summary="Une édition"),
)
class EditionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    serializer_class = EditionSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        return selectors.editions()


@extend_schema_view(
    list=_list_doc(CommuneSerializer, CommuneFilter, summary="Communes participantes"),
    retrieve=_detail_doc(CommuneSerializer, summary="Une commune, par son code INSEE"),
)
class CommuneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    serializer_class = CommuneSerializer
    lookup_field = "insee_code"
    lookup_value_regex = "[0-9AB]{5}"
    filter_class = CommuneFilter

    def get_queryset(self):
        if self.action == "list":
            return selectors.communes(edition=self.filters().get("edition"))
        return selectors.communes()


@extend_schema_view(
    list=_list_doc(CallSerializer, CallFilter, summary="Appels à projets publiés"),
    retrieve=_detail_doc(CallSerializer, summary="Un appel à projets publié"),
)
class CallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PublicViewSet):
    serializer_class = CallSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_class = CallFilter

    def get_queryset(self):
        if self.action == "list":
            return selectors.calls(**self.filters())
        return selectors.calls()


@extend_schema_view(
    list=_list_doc(LaureateSerializer, LaureateFilter, summary="Lauréats publiés"),
)
class LaureateViewSet(mixins.ListModelMixin, PublicViewSet):
    serializer_class = LaureateSerializer
    filter_class = LaureateFilter

    def get_queryset(self):
        return selectors.laureates(**self.filters())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        serializer = self.get_serializer(
            page, many=True, context={**self.get_serializer_context(), "pilots": pilots_of(page)}
        )
        return self.get_paginated_response(serializer.data)


def index(request):
    return render(
        request,
        "api/index.html",
        {"rate": settings.QMI_API_RATE, "open_data_url": reverse("stats:open_data")},
    )


def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": _("Cette adresse n’existe pas dans l’API.")}, status=404)
