from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.selectors import CALL_STATES
from calls.models import Call, Edition
from communes.models import Commune, insee_code_validator
from experimentations.models import Pilot
from qmi.typography import french_sorted
from stats.opendata import record

PILOT_STATES = list(Pilot.State.values)
INSEE_PATTERN = r"^(\d{5}|2[AB]\d{3})$"


def _page_url(obj):
    return settings.SITE_URL + obj.get_absolute_url()


class EditionSerializer(serializers.ModelSerializer):
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Edition
        fields = ["code", "number", "name", "slug", "starts_on", "ends_on", "page_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, obj):
        return _page_url(obj)


class CommuneSerializer(serializers.ModelSerializer):
    editions = serializers.SerializerMethodField(help_text="Codes des éditions (ex. QMI2).")
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Commune
        fields = ["insee_code", "name", "slug", "department", "editions", "page_url"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_editions(self, obj):
        return [p.edition.code for p in obj.participations.all()]

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, obj):
        return _page_url(obj)


class ChallengeSerializer(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    tags = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, obj):
        return french_sorted(t.name for t in obj.tags.all())


class CallCommuneSerializer(serializers.Serializer):
    insee_code = serializers.CharField(source="commune.insee_code")
    name = serializers.CharField(source="commune.name")
    quarter = serializers.CharField(source="quarter_name")
    challenges = ChallengeSerializer(many=True)


class CallSerializer(serializers.ModelSerializer):
    edition = serializers.CharField(source="edition.code")
    state = serializers.ChoiceField(choices=CALL_STATES, source="current_state")
    communes = CallCommuneSerializer(many=True, source="participations")
    page_url = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "slug",
            "title",
            "edition",
            "summary",
            "opens_at",
            "closes_at",
            "results_published_at",
            "state",
            "communes",
            "page_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, obj):
        return _page_url(obj)


class LaureateSerializer(serializers.Serializer):
    """One laureate project in one commune: the columns of the open data files."""

    edition = serializers.CharField()
    call = serializers.CharField()
    commune = serializers.CharField()
    insee_code = serializers.CharField()
    organisation = serializers.CharField(
        allow_blank=True, help_text="Vide pour une personne physique."
    )
    siret = serializers.CharField(allow_blank=True)
    project_title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    challenges = serializers.CharField(
        allow_blank=True, help_text="Défis visés, séparés par « | »."
    )
    pilot_state = serializers.ChoiceField(choices=PILOT_STATES, allow_null=True)
    pilot_start = serializers.DateField(allow_null=True)
    pilot_end = serializers.DateField(allow_null=True)

    def to_representation(self, instance):
        return super().to_representation(record(instance, self.context.get("pilots", {})))


# Query-string filters (validated: a malformed value is a 400 that says why).


class EditionFilter(serializers.Serializer):
    edition = serializers.SlugField(required=False, help_text="Identifiant d'édition, ex. qmi2.")


class CommuneFilter(EditionFilter):
    commune = serializers.RegexField(
        INSEE_PATTERN,
        required=False,
        help_text="Code INSEE de la commune, ex. 95018.",
        validators=[insee_code_validator],
    )


class CallFilter(CommuneFilter):
    state = serializers.ChoiceField(
        choices=CALL_STATES, required=False, help_text="État de l'appel."
    )


class LaureateFilter(CommuneFilter):
    state = serializers.ChoiceField(
        choices=PILOT_STATES, required=False, help_text="État de l'expérimentation."
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
