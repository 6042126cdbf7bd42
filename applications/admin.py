from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from applications.models import (
    Application,
    ApplicationRevision,
    ApplicationTarget,
    Attachment,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    Review,
    ReviewScore,
    TeamNote,
)


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "siret", "created_at"]
    list_filter = ["kind", "country", "size"]
    search_fields = ["name", "siret", "contact_email", "members__email"]
    inlines = [MembershipInline]


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(OrganisationInvitation)
class OrganisationInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token", "accepted_at", "accepted_by", "invited_by"]


# Screening and decisions go through the commune team's pages (the services
# that hold the quota, the locks and the conflicts of interest): the admin
# shows them but never writes them.
TEAM_WORK_FIELDS = [
    "eligibility",
    "eligibility_reason",
    "screened_by",
    "screened_at",
    "decision",
    "decision_motivation",
    "decided_by",
    "decided_at",
    "selection_slot",
]


class TargetInline(admin.StackedInline):
    model = ApplicationTarget
    extra = 0
    readonly_fields = TEAM_WORK_FIELDS


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "organisation", "call", "state", "submitted_at"]
    list_filter = ["state", "call__edition", "call", "maturity"]
    search_fields = ["reference", "title", "organisation__name", "organisation__siret"]
    readonly_fields = ["reference", "version", "submitted_at", "withdrawn_at", "created_at"]
    list_select_related = ["organisation", "call"]
    inlines = [TargetInline, AttachmentInline]
    date_hierarchy = "created_at"


@admin.register(ApplicationTarget)
class ApplicationTargetAdmin(SimpleHistoryAdmin):
    list_display = ["application", "participation", "eligibility", "decision", "selection_slot"]
    list_filter = ["eligibility", "decision", "participation__edition", "participation__commune"]
    search_fields = ["application__reference", "application__title", "participation__commune__name"]
    list_select_related = ["application", "participation__commune"]
    readonly_fields = TEAM_WORK_FIELDS


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "application", "kind", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["original_name", "application__reference", "sha256"]
    readonly_fields = ["file", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]


@admin.register(ApplicationRevision)
class ApplicationRevisionAdmin(admin.ModelAdmin):
    list_display = ["application", "number", "author", "created_at"]
    list_filter = ["application__call"]
    search_fields = ["application__reference", "application__title"]
    readonly_fields = ["application", "number", "content", "author", "created_at"]


class ReadOnlyAdmin:
    """Reviews are written by their reviewers only (and frozen with the selection):
    the admin reads them and their history."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewScoreInline(ReadOnlyAdmin, admin.TabularInline):
    model = ReviewScore
    extra = 0


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["target", "reviewer", "state", "recommendation", "conflict_of_interest"]
    list_filter = [
        "state",
        "recommendation",
        "conflict_of_interest",
        "target__participation__commune",
    ]
    search_fields = ["reviewer__email", "target__application__reference", "comment"]
    inlines = [ReviewScoreInline]


@admin.register(ReviewScore)
class ReviewScoreAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["review", "criterion", "score"]
    list_filter = ["criterion__call"]
    search_fields = ["review__reviewer__email", "review__target__application__reference"]


@admin.register(TeamNote)
class TeamNoteAdmin(admin.ModelAdmin):
    list_display = ["target", "author", "created_at"]
    list_filter = ["target__participation__commune"]
    search_fields = ["body", "author__email", "target__application__reference"]
