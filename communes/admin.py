from django.contrib import admin

from communes.models import Commune, TeamInvitation, TeamMembership


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "department"]
    list_filter = ["department"]
    search_fields = ["name", "insee_code", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamMembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "commune", "role", "created_at"]
    list_filter = ["role", "commune"]
    search_fields = ["user__email", "user__full_name", "commune__name"]
    autocomplete_fields = ["user", "commune"]
    list_select_related = ["user", "commune"]


@admin.register(TeamInvitation)
class TeamInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "commune", "role", "invited_by", "expires_at", "accepted_at"]
    list_filter = ["role", "commune", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "commune__name"]
    readonly_fields = ["token", "invited_by", "accepted_at", "accepted_by", "created_at"]
    list_select_related = ["commune", "invited_by"]
