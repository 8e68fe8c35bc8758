"""Reads for pages and the API, scoped to what the person may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Min, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_countries import countries

from assessments.models import Assignment, AssignmentStatus
from labelling.models import (
    OPEN_STATES,
    ApiToken,
    Application,
    ApplicationState,
    Level,
    Organisation,
    Outcome,
    StateChange,
    User,
)
from labelling.rules import visible_applications, visible_organisations
from reports.models import RENEWABLE_STATES, RENEWAL_GRACE, Label
from reports.selectors import valid_labels


def application_list(*, user: User, state: str = "") -> QuerySet[Application]:
    queryset = visible_applications(user).select_related("organisation")
    if state:
        queryset = queryset.filter(state=state)
    return queryset


def application_get(*, user: User, pk: int) -> Application:
    """The application, or 404 when it does not exist or ``user`` may not see it."""
    return get_object_or_404(
        visible_applications(user)
        .select_related("organisation", "created_by", "proposed_by", "decision_confirmed_by")
        .prefetch_related("assignments__expert"),
        pk=pk,
    )


def application_history(*, application: Application) -> QuerySet[StateChange]:
    return application.history.select_related("actor", "content_type").order_by("at", "pk")


def state_counts(*, applications: QuerySet[Application]) -> dict[str, int]:
    """How many of ``applications`` are in each state, in one query."""
    rows = applications.values("state").annotate(n=Count("pk")).order_by()
    return {row["state"]: row["n"] for row in rows}


def assignment_list(*, user: User) -> QuerySet[Assignment]:
    """The expert's invitations and assignments (declined ones are no longer theirs), each with
    its application's open clarification questions and the earliest date one is due, in a
    constant number of queries."""
    unanswered = Q(application__questions__answered_at__isnull=True)
    return (
        Assignment.objects.filter(expert=user)
        .exclude(status=AssignmentStatus.DECLINED)
        .select_related("application__organisation")
        .annotate(
            open_questions=Count("application__questions", filter=unanswered),
            next_answer_due=Min("application__questions__due_date", filter=unanswered),
        )
        .order_by(F("next_answer_due").asc(nulls_last=True), "-assigned_at", "-pk")
    )


def renewable_labels(*, organisation: Organisation) -> QuerySet[Label]:
    """The organisation's labels to offer a renewal for: from the first expiry reminder until
    renewal is no longer possible (a year after expiry), unless a renewal is already open."""
    from reports.services import REMINDERS

    today = timezone.localdate()
    first_reminder = datetime.timedelta(days=max(days for days, _field in REMINDERS))
    return organisation.labels.filter(
        state__in=RENEWABLE_STATES,
        valid_until__lte=today + first_reminder,
        valid_until__gte=today - RENEWAL_GRACE,
    ).exclude(renewals__state__in=OPEN_STATES)


def organisation_list(*, user: User) -> QuerySet[Organisation]:
    return visible_organisations(user).prefetch_related("sectors")


def organisation_get(*, user: User, pk: int) -> Organisation:
    return get_object_or_404(visible_organisations(user), pk=pk)


def api_token_by_key(key: str) -> ApiToken | None:
    """The active token whose key is ``key`` (looked up by its hash), with its user."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_get(*, user: User, pk: int) -> ApiToken:
    """One of ``user``'s own tokens, or 404."""
    return get_object_or_404(api_token_list(user=user), pk=pk)


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
