from django.contrib import admin

from privacy.models import PurgeRecord


@admin.register(PurgeRecord)
class PurgeRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "count", "dry_run"]
    list_filter = ["kind", "dry_run"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
