from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from experimentations.models import (
    Milestone,
    Outcome,
    Pilot,
    Report,
    ReportAttachment,
    Survey,
    SurveyAnswer,
    SurveyRecipient,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    fields = ["kind", "number", "due_on", "submitted_at", "submitted_by"]
    readonly_fields = ["submitted_at", "submitted_by"]
    show_change_link = True


class OutcomeInline(admin.StackedInline):
    model = Outcome
    extra = 0
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(Pilot)
class PilotAdmin(SimpleHistoryAdmin):
    list_display = ["application", "participation", "state", "planned_start", "officer"]
    list_filter = ["state", "participation__edition", "participation__commune"]
    search_fields = [
        "application__title",
        "application__reference",
        "application__organisation__name",
    ]
    autocomplete_fields = ["officer", "commune_contact"]
    raw_id_fields = ["application", "participation"]
    inlines = [MilestoneInline, ReportInline, OutcomeInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "application", "participation__commune", "participation__edition", "officer"
            )
        )


class ReportAttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 0
    fields = ["original_name", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["pilot", "kind", "number", "due_on", "submitted_at"]
    list_filter = ["kind", ("submitted_at", admin.EmptyFieldListFilter)]
    search_fields = ["pilot__application__title"]
    raw_id_fields = ["pilot"]
    readonly_fields = ["submitted_by"]
    inlines = [ReportAttachmentInline]


class RecipientInline(admin.TabularInline):
    model = SurveyRecipient
    extra = 0
    fields = ["organisation", "commune", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["organisation", "commune"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "opens_at", "closes_at", "sent_at"]
    readonly_fields = ["sent_at", "created_by"]
    inlines = [RecipientInline]


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(admin.ModelAdmin):
    list_display = ["recipient", "satisfaction", "recommendation", "continued", "updated_at"]
    list_filter = ["recipient__survey", "satisfaction", "continued"]
    raw_id_fields = ["recipient"]
