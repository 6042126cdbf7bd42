from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from auditions.models import AuditionSlot, Booking, JuryOpinion, JurySession, ShortlistEntry


@admin.register(ShortlistEntry)
class ShortlistEntryAdmin(admin.ModelAdmin):
    list_display = ["target", "added_at", "invited_at", "declined_at"]
    list_filter = ["target__participation__commune", "target__participation__call"]
    search_fields = ["target__application__reference", "target__application__title"]
    raw_id_fields = ["target", "added_by"]


@admin.register(AuditionSlot)
class AuditionSlotAdmin(admin.ModelAdmin):
    list_display = ["participation", "starts_at", "duration_minutes", "place"]
    list_filter = ["participation__commune", "participation__call"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["participation", "created_by"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["entry", "slot", "booked_at"]
    list_filter = ["slot__participation__commune"]
    search_fields = ["entry__target__application__reference"]
    raw_id_fields = ["entry", "slot", "booked_by"]


class JuryOpinionInline(admin.TabularInline):
    model = JuryOpinion
    raw_id_fields = ["target", "recorded_by"]
    extra = 0


@admin.register(JurySession)
class JurySessionAdmin(admin.ModelAdmin):
    list_display = ["participation", "held_on"]
    list_filter = ["participation__commune", "participation__call"]
    raw_id_fields = ["participation", "recorded_by"]
    filter_horizontal = ["members"]
    inlines = [JuryOpinionInline]


@admin.register(JuryOpinion)
class JuryOpinionAdmin(SimpleHistoryAdmin):
    list_display = ["target", "opinion", "rank"]
    list_filter = ["opinion", "session__participation__commune"]
    search_fields = ["target__application__reference"]
    raw_id_fields = ["session", "target", "recorded_by"]
