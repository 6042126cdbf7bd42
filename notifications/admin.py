from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import AlertSubscription, OutboxMessage, ReminderMute
from notifications.services import retry_failed


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "recipient_email",
        "occasion",
        "state",
        "attempts",
        "sent_at",
    ]
    list_filter = ["state", "kind", "language"]
    search_fields = ["recipient_email", "subject", "occasion"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    readonly_fields = [
        "recipient",
        "recipient_email",
        "kind",
        "content_type",
        "object_id",
        "occasion",
        "language",
        "context",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "next_attempt_at",
        "sent_at",
        "subject",
        "read_at",
    ]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Renvoyer les messages en échec sélectionnés"))
    def retry(self, request, queryset):
        count = retry_failed(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(n)d message remis en file d'envoi.",
                "%(n)d messages remis en file d'envoi.",
                count,
            )
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(AlertSubscription)
class AlertSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "commune", "tag", "language", "created_at", "confirmed_at"]
    list_filter = ["commune", "tag"]
    search_fields = ["email"]
    list_select_related = ["commune", "tag"]


@admin.register(ReminderMute)
class ReminderMuteAdmin(admin.ModelAdmin):
    list_display = ["email", "call", "created_at"]
    search_fields = ["email"]
    list_select_related = ["call"]
