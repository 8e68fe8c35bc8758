"""The filters of the application list (the secretariat's work queue on the dashboard)."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from labelling.models import Application, ApplicationState, Level
from labelling.widgets import CachedSelect


class _CountryChoices:
    """Every country as ``(code, name)``, named in the language of the request that builds
    the form: ``list(countries)`` at import would name them in the default language for good.
    Not callable, unlike ``countries``, so the API schema still lists the codes."""

    def __iter__(self):
        return iter(countries)


COUNTRY_CHOICES = _CountryChoices()


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Orders with empty values last on every database, and by primary key to break ties.

    Drafts have no submission date: SQLite would list them first when sorting by it, PostgreSQL
    last; a queue must put them last on both. The tie-breaker keeps pages stable.
    """

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        if not value:
            return qs
        fields = [self.get_ordering_value(param) for param in value if param]
        ordering = [
            F(field[1:]).desc(nulls_last=True)
            if field.startswith("-")
            else F(field).asc(nulls_last=True)
            for field in fields
        ]
        return qs.order_by(*ordering, "pk")


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Organisation name"), method="filter_name")
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=ApplicationState.choices, empty_label=_("All")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Level.choices, empty_label=_("All")
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        field_name="organisation__country",
        choices=COUNTRY_CHOICES,
        empty_label=_("All"),
        widget=CachedSelect,
    )
    ordering = NullsLastOrderingFilter(
        label=_("Sort by"),
        # No blank choice: the dashboard always says which order it shows.
        empty_label=None,
        fields=(
            ("submitted_at", "submitted"),
            ("created_at", "opened"),
            ("organisation__name", "organisation"),
        ),
        choices=[
            ("submitted", _("Oldest submitted first")),
            ("-submitted", _("Newest submitted first")),
            ("opened", _("Oldest opened first")),
            ("-opened", _("Newest opened first")),
            ("organisation", _("Organisation, A to Z")),
            ("-organisation", _("Organisation, Z to A")),
        ],
    )

    class Meta:
        model = Application
        fields = ["q", "state", "level", "country"]

    @property
    def qs_without_state(self) -> QuerySet[Application]:
        """The applications every filter but the state lets through: what the counts per
        state count, so that each state's count is what choosing it would list."""
        queryset = self.queryset.all()
        if not self.is_bound:
            return queryset
        # As in ``qs``: an invalid value is left out, the valid ones still filter.
        self.form.is_valid()
        for name, value in self.form.cleaned_data.items():
            if name not in ("state", "ordering"):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_name(
        self, queryset: QuerySet[Application], name: str, value: str
    ) -> QuerySet[Application]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(organisation__name__icontains=value) | Q(organisation__legal_name__icontains=value)
        )
