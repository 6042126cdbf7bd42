"""The team dashboard's filters and sorting (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import ApplicationTarget, Review
from applications.selectors import search
from applications.selectors.staff import SORTS, dashboard_base_rows

Decision = ApplicationTarget.Decision
Eligibility = ApplicationTarget.Eligibility
DEFAULT_SORT = "-score"


class DashboardFilterSet(django_filters.FilterSet):
    """Filters of one commune's dashboard. An invalid value is ignored (the other
    filters still apply) rather than failing the page. With a search and no sort
    chosen, the best matches come first."""

    q = django_filters.CharFilter(label=_("Rechercher"), method="filter_search", max_length=100)
    challenge = django_filters.ChoiceFilter(
        label=_("Défi"), empty_label=_("Tous"), method="filter_challenge"
    )
    eligibility = django_filters.ChoiceFilter(
        label=_("Éligibilité"), choices=Eligibility.choices, empty_label=_("Toutes")
    )
    reviewed_by_me = django_filters.ChoiceFilter(
        label=_("Mon évaluation"),
        choices=[("yes", _("soumise")), ("no", _("à faire"))],
        empty_label=_("Toutes"),
        method="filter_reviewed_by_me",
    )
    decision = django_filters.ChoiceFilter(
        label=_("Décision"),
        choices=[("none", _("pas de décision"))] + [c for c in Decision.choices if c[0]],
        empty_label=_("Toutes"),
        method="filter_decision",
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Affectation"),
        choices=[("me", _("à moi"))],
        empty_label=_("Toutes"),
        method="filter_assigned",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Trier par"), choices=[(key, key) for key in SORTS], method="keep"
    )

    class Meta:
        model = ApplicationTarget
        fields = []

    def __init__(self, data=None, *, participation, user, **kwargs):
        super().__init__(data or {}, queryset=dashboard_base_rows(user, participation), **kwargs)
        self.user = user
        self.filters["challenge"].extra["choices"] = [
            (str(c.pk), c.title) for c in participation.challenges.all()
        ]

    @property
    def cleaned(self):
        self.errors  # noqa: B018 - validates the form
        return getattr(self.form, "cleaned_data", {})

    @property
    def is_filtered(self):
        """Whether a filter narrows the rows (sorting does not)."""
        return any(value for name, value in self.cleaned.items() if name != "sort")

    @property
    def search_query(self):
        return self.cleaned.get("q") or ""

    @property
    def sort_key(self):
        """The sort the table headers show (empty while ranked by relevance)."""
        chosen = self.cleaned.get("sort")
        if chosen:
            return chosen
        return "" if search.terms(self.search_query) else DEFAULT_SORT

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.sort_key:
            return search.order_by_rank(queryset)
        return queryset.order_by(*SORTS[self.sort_key])

    def keep(self, queryset, name, value):
        return queryset

    def filter_search(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_challenge(self, queryset, name, value):
        return queryset.filter(application__challenges=int(value))

    def filter_reviewed_by_me(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(my_review_state=Review.State.SUBMITTED)
        return queryset.filter(
            Q(my_review_state__isnull=True) | ~Q(my_review_state=Review.State.SUBMITTED)
        )

    def filter_assigned(self, queryset, name, value):
        return queryset.filter(assignments__reviewer=self.user)

    def filter_decision(self, queryset, name, value):
        return queryset.filter(decision="" if value == "none" else value)
