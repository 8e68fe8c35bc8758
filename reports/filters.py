"""The registry's filters, shared by the public page and the public API."""

from __future__ import annotations

import django_filters
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from labelling.filters import COUNTRY_CHOICES
from labelling.models import Level, Sector
from labelling.widgets import CachedSelect
from reports.models import Label
from reports.selectors import valid_labels

LEVEL_RANK = Case(
    When(level=Level.GOLD, then=Value(0)),
    When(level=Level.SILVER, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


class LabelFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_name")
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        field_name="organisation__country",
        choices=COUNTRY_CHOICES,
        empty_label=_("All"),
        widget=CachedSelect,
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=Level.choices, empty_label=_("All")
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"),
        field_name="organisation__sectors",
        to_field_name="code",
        queryset=Sector.objects.order_by("name"),
        empty_label=_("All"),
    )
    valid_only = django_filters.BooleanFilter(label=_("Valid only"), method="filter_valid")
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        # No blank choice: without one the registry is sorted by name, the first choice.
        empty_label=None,
        fields=(
            ("organisation__name", "name"),
            ("organisation__country", "country"),
            ("level_rank", "level"),
            ("valid_until", "valid_until"),
        ),
        field_labels={
            "organisation__name": _("Name"),
            "organisation__country": _("Country"),
            "level_rank": _("Level"),
            "valid_until": _("Valid until"),
            # Otherwise django-filter formats these once, at import, in the default language.
            "-name": _("Name (descending)"),
            "-country": _("Country (descending)"),
            "-level": _("Level (descending)"),
            "-valid_until": _("Valid until (descending)"),
        },
    )

    class Meta:
        model = Label
        fields = ["q", "country", "level", "sector", "valid_only"]

    def __init__(self, data=None, queryset: QuerySet[Label] | None = None, **kwargs) -> None:
        queryset = Label.objects.all() if queryset is None else queryset
        # The level sorts by rank (GOLD first), not alphabetically.
        super().__init__(data, queryset.annotate(level_rank=LEVEL_RANK), **kwargs)

    def filter_queryset(self, queryset: QuerySet[Label]) -> QuerySet[Label]:
        filtered = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("ordering"):
            filtered = filtered.order_by("organisation__name", "pk")
        return filtered

    def filter_name(self, queryset: QuerySet[Label], name: str, value: str) -> QuerySet[Label]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(organisation__name__icontains=value) | Q(organisation__legal_name__icontains=value)
        )

    def filter_valid(self, queryset: QuerySet[Label], name: str, value: bool | None):
        return valid_labels(queryset) if value else queryset
