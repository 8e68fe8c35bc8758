"""The scheme's figures: labels per level and country, applications per state and outcome."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count
from django_countries import countries

from labelling.models import Application, ApplicationState, Level, Outcome
from labelling.selectors import state_counts
from reports.models import Label
from reports.selectors import valid_labels


@dataclass(frozen=True)
class Tally:
    """One line of a statistics table: what is counted and how many."""

    label: str
    count: int


@dataclass(frozen=True)
class CrossRow:
    """One line of a two-way table: what is counted, the counts per column and their total."""

    label: str
    counts: list[int]
    total: int


@dataclass(frozen=True)
class SchemeStatistics:
    applications_per_state: list[Tally]
    labels_per_level: list[Tally]
    #: Columns: the levels, GOLD first.
    labels_per_country: list[CrossRow]
    #: Rows: the level applied for; columns: the decided outcomes.
    outcomes_per_level: list[CrossRow]

    @property
    def levels(self) -> list[str]:
        return [str(label) for label in Level.labels]

    @property
    def outcomes(self) -> list[str]:
        return [str(label) for label in Outcome.labels]

    @property
    def applications_total(self) -> int:
        return sum(row.count for row in self.applications_per_state)

    @property
    def labels_total(self) -> int:
        return sum(row.count for row in self.labels_per_level)


def active_label_counts() -> list[Tally]:
    """How many labels are valid today, per level (GOLD first), in one query."""
    rows = valid_labels(Label.objects.all()).values("level").annotate(n=Count("pk")).order_by()
    counts = {row["level"]: row["n"] for row in rows}
    return [Tally(str(label), counts.get(value, 0)) for value, label in Level.choices]


def _cross_rows(rows: list[dict], row_key: str, column_key: str, columns: list[str]) -> dict:
    table: dict[str, list[int]] = {}
    for row in rows:
        counts = table.setdefault(row[row_key], [0] * len(columns))
        counts[columns.index(row[column_key])] += row["n"]
    return table


def scheme_statistics() -> SchemeStatistics:
    """The figures of the whole scheme for the secretariat, in four aggregate queries whatever
    the number of applications and labels."""
    per_state = state_counts(applications=Application.objects.all())
    levels = list(Level.values)
    per_country = _cross_rows(
        list(
            valid_labels(Label.objects.all())
            .values("organisation__country", "level")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "organisation__country",
        "level",
        levels,
    )
    country_rows = [
        CrossRow(countries.name(code) or code, counts, sum(counts))
        for code, counts in per_country.items()
    ]
    country_rows.sort(key=lambda row: (-row.total, row.label))

    outcomes = list(Outcome.values)
    per_level = _cross_rows(
        list(
            Application.objects.exclude(decided_outcome="")
            .values("level", "decided_outcome")
            .annotate(n=Count("pk"))
            .order_by()
        ),
        "level",
        "decided_outcome",
        outcomes,
    )
    outcome_rows = [
        CrossRow(str(label), per_level[value], sum(per_level[value]))
        for value, label in Level.choices
        if value in per_level
    ]
    return SchemeStatistics(
        applications_per_state=[
            Tally(str(label), per_state.get(value, 0)) for value, label in ApplicationState.choices
        ],
        labels_per_level=active_label_counts(),
        labels_per_country=country_rows,
        outcomes_per_level=outcome_rows,
    )
