from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from calls import services
from calls.models import (
    Call,
    CallQuestion,
    Challenge,
    Criterion,
    DocumentType,
    Edition,
    Participation,
    Tag,
)


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "number", "starts_on", "ends_on"]
    list_filter = ["starts_on"]
    search_fields = ["code", "name", "slug"]
    prepopulated_fields = {"slug": ["code"]}


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class CallQuestionInline(admin.StackedInline):
    model = CallQuestion
    extra = 0


class DocumentTypeInline(admin.TabularInline):
    model = DocumentType
    extra = 0


class ParticipationInline(admin.TabularInline):
    model = Participation
    fields = ["commune", "quarter_name", "quota_min", "quota_max"]
    extra = 0
    show_change_link = True


@admin.register(Call)
class CallAdmin(SimpleHistoryAdmin):
    list_display = ["title", "edition", "opens_at", "closes_at", "published_at"]
    list_filter = [
        "edition",
        ("published_at", admin.EmptyFieldListFilter),
        ("results_published_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "slug", "summary"]
    date_hierarchy = "closes_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_at", "results_published_at", "created_at", "updated_at"]
    inlines = [CriterionInline, CallQuestionInline, ParticipationInline, DocumentTypeInline]
    list_select_related = ["edition"]
    actions = ["publish"]

    @admin.action(description=_("Publier les appels sélectionnés"))
    def publish(self, request, queryset):
        for call in queryset:
            try:
                services.publish_call(call)
            except ValidationError as error:
                self.message_user(request, f"{call} : {' '.join(error.messages)}", messages.ERROR)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.add_default_criteria(form.instance)


class ChallengeInline(admin.StackedInline):
    model = Challenge
    extra = 0
    filter_horizontal = ["tags"]


@admin.register(Participation)
class ParticipationAdmin(SimpleHistoryAdmin):
    list_display = ["commune", "edition", "call", "quarter_name", "quota_min", "quota_max"]
    list_filter = ["edition", "call", "commune__department"]
    search_fields = ["commune__name", "quarter_name", "edition__code"]
    autocomplete_fields = ["commune"]
    readonly_fields = ["selection_finalised_at"]
    inlines = [ChallengeInline]
    list_select_related = ["commune", "edition", "call"]


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ["title", "participation", "order"]
    list_filter = ["tags", "participation__edition", "participation__commune"]
    search_fields = ["title", "description", "participation__commune__name"]
    filter_horizontal = ["tags"]
    list_select_related = ["participation__commune", "participation__edition"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "call", "weight", "order"]
    list_filter = ["call__edition", "call"]
    search_fields = ["name", "call__title"]
    list_select_related = ["call"]


@admin.register(CallQuestion)
class CallQuestionAdmin(admin.ModelAdmin):
    list_display = ["question", "call", "is_published", "order"]
    list_filter = ["is_published", "call"]
    search_fields = ["question", "answer", "call__title"]
    list_select_related = ["call"]
