"""Questions in the Django admin: who asked or answered what application and when, never
the text nor the files (they are for the commune's team and the organisation only)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from questions.models import Answer, Question


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "reference", "commune", "author", "created_at", "answer_count"]
    list_filter = ["target__participation__commune", "target__participation__call"]
    search_fields = ["target__application__reference"]
    fields = ["reference", "commune", "author", "created_at", "answer_count"]
    readonly_fields = fields
    list_select_related = ["author", "target__application", "target__participation__commune"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answer_total=Count("answers"))

    @admin.display(description=_("candidature"), ordering="target__application__reference")
    def reference(self, obj):
        return obj.target.application.reference

    @admin.display(description=_("commune"))
    def commune(self, obj):
        return obj.target.participation.commune

    @admin.display(description=_("réponses"), ordering="answer_total")
    def answer_count(self, obj):
        return obj.answer_total


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["pk", "question", "reference", "author", "created_at", "attachment_count"]
    search_fields = ["question__target__application__reference"]
    fields = ["question", "reference", "author", "created_at", "attachment_count"]
    readonly_fields = fields
    list_select_related = ["author", "question__target__application"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attachment_total=Count("attachments"))

    @admin.display(description=_("candidature"))
    def reference(self, obj):
        return obj.question.target.application.reference

    @admin.display(description=_("pièces jointes"))
    def attachment_count(self, obj):
        return obj.attachment_total
