"""What a certificate and a report show, as plain frozen dataclasses.

The services fill these from the models; the renderers read nothing else. Percentages are
``Decimal`` values from 0 to 100, dates are ``datetime.date``, levels are the engine's level
codes (``"gold"``, ``"silver"``, ``"bronze"``) and lights its light codes (``"red"``,
``"yellow"``, ``"green"``). Every user-visible label comes already translated (``level_label``,
titles) except the fixed wording, which the templates translate into ``language``.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

PEER_MINIMUM = 5
"""Fewer labelled peers than this and a dimension shows no benchmark: a median of so few
organisations would let a reader guess the others' scores."""

_ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class CertificateData:
    number: str
    organisation_name: str
    organisation_legal_name: str
    country_name: str
    region: str
    level: str
    level_label: str
    valid_from: date
    valid_until: date
    issued_on: date
    verify_url: str
    methodology_name: str
    score_pct: Decimal | None = None
    """The headline score: the GOLD score of a GOLD label, the benchmarking score otherwise."""
    language: str = "en"
    issuer_name: str = ""
    """Shown as the issuing secretariat; empty means the translated "labelling secretariat"."""
    signatory_name: str = ""
    signatory_function: str = ""
    #: Bundled files (under ``PDF_RESOURCE_DIRS``), relative to the project: scheme settings,
    #: never anything a person typed.
    logo_path: str = ""
    signature_path: str = ""


@dataclass(frozen=True, slots=True)
class DimensionResult:
    code: str
    title: str
    score_pct: Decimal | None
    peer_median_pct: Decimal | None = None


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    code: str
    title: str
    dimension_code: str
    self_assessed: Decimal | None
    validated: Decimal | None
    unit: str
    light: str
    threshold: Decimal | None
    passed: bool
    reason: str = ""
    value_type: str = "count"
    """The methodology's value type: ``"yes_no"`` shows yes/no, ``"rubric"`` shows "2 / 3"."""
    bronze_eligibility: bool = False
    """A BRONZE eligibility criterion: every label needs it met."""
    gold_minimum: bool = False
    """A GOLD minimum requirement: SILVER and GOLD need it met."""
    in_gold_set: bool = False
    """Counts in the GOLD score."""


@dataclass(frozen=True, slots=True)
class LevelShortfall:
    """A level above the awarded one, up to the one applied for, that was not reached, and the
    rules' reasons (translated)."""

    level: str
    level_label: str
    reasons: Sequence[str]


@dataclass(frozen=True, slots=True)
class ReportData:
    """An assessment report; ``level`` is empty when no label was awarded.

    Both scores are percentages rounded down to two decimals: the GOLD score on the indicators
    of the GOLD set, the benchmarking score on every indicator. ``requested_level`` is the level
    applied for; when the award is lower, ``shortfalls`` say why each level above it was not
    reached and ``departure_reason`` why the decision departed from the rules' recommendation.
    """

    organisation_name: str
    organisation_legal_name: str
    country_name: str
    region: str
    methodology_name: str
    level: str
    level_label: str
    gold_score_pct: Decimal | None
    benchmark_score_pct: Decimal | None
    decided_on: date
    dimensions: Sequence[DimensionResult]
    indicators: Sequence[IndicatorRow]
    recommendations: Sequence[str]
    experts: Sequence[str]
    peer_count: int
    language: str = "en"
    certificate_number: str = ""
    valid_from: date | None = None
    valid_until: date | None = None
    verify_url: str = ""
    issuer_name: str = ""
    requested_level: str = ""
    requested_level_label: str = ""
    shortfalls: Sequence[LevelShortfall] = ()
    departure_reason: str = ""
    impartiality: Sequence[str] = ()
    improvement_areas_declared: int = 0
    """A SILVER application's improvement areas since its BRONZE label, as the organisation
    described them, and how many of them the expert validated."""
    improvement_areas_validated: int = 0

    @property
    def has_benchmark(self) -> bool:
        return any(dimension.peer_median_pct is not None for dimension in self.dimensions)

    @property
    def score_pct(self) -> Decimal | None:
        """The headline score: the GOLD score of a GOLD label, the benchmarking score
        otherwise."""
        return self.gold_score_pct if self.level == "gold" else self.benchmark_score_pct

    @property
    def below_request(self) -> bool:
        """Whether less than the level applied for was awarded."""
        return bool(self.requested_level) and self.requested_level != self.level

    @property
    def gold_set_size(self) -> int:
        return sum(1 for row in self.indicators if row.in_gold_set)


SUMMARY_LINES = 3
"""How many strengths and how many improvement areas the report's summary names."""


@dataclass(frozen=True, slots=True)
class Highlight:
    """A line of the report's summary: a dimension with its score, or an indicator whose
    threshold was not met (``minimum`` when the level applied for needs it met)."""

    code: str
    title: str
    score_pct: Decimal | None = None
    failed: bool = False
    minimum: bool = False


@dataclass(frozen=True, slots=True)
class SummaryHighlights:
    strengths: Sequence[Highlight]
    improvements: Sequence[Highlight]


def summary_highlights(data: ReportData, limit: int = SUMMARY_LINES) -> SummaryHighlights:
    """The strengths and the improvement areas the summary names, at most ``limit`` of each.

    Strengths are the dimensions with the best scores (above zero). Improvement areas are the
    indicators that missed their threshold, those the level applied for needs met first and
    red before yellow, then the dimensions with the lowest scores that are not strengths.
    Equal scores keep the report's order, so the summary reads the same at every rendering.
    """
    scored = [d for d in data.dimensions if d.score_pct is not None]
    strengths = sorted((d for d in scored if d.score_pct > 0), key=lambda d: -d.score_pct)
    strengths = strengths[:limit]
    failed = sorted(
        (row for row in data.indicators if not row.passed),
        key=lambda row: (not _needed(row, data.requested_level), row.light != "red"),
    )
    named = {d.code for d in strengths}
    weakest = sorted((d for d in scored if d.code not in named), key=lambda d: d.score_pct)
    improvements = [
        Highlight(row.code, row.title, failed=True, minimum=_needed(row, data.requested_level))
        for row in failed
    ] + [_dimension_line(dimension) for dimension in weakest]
    return SummaryHighlights(
        strengths=[_dimension_line(dimension) for dimension in strengths],
        improvements=improvements[:limit],
    )


def _needed(row: IndicatorRow, requested_level: str) -> bool:
    """Whether the level applied for needs ``row`` met: an eligibility criterion always, a
    GOLD minimum requirement for SILVER and GOLD."""
    return row.bronze_eligibility or (row.gold_minimum and requested_level in ("silver", "gold"))


def _dimension_line(dimension: DimensionResult) -> Highlight:
    return Highlight(dimension.code, dimension.title, score_pct=dimension.score_pct)


def peer_medians(
    per_dimension_scores_of_peers: Mapping[str, Sequence[Decimal]], minimum: int = PEER_MINIMUM
) -> dict[str, Decimal | None]:
    """The median score per dimension, rounded to 0.1, or ``None`` with fewer than ``minimum``.

    The scores are those of other labelled organisations (the caller leaves out the one the
    report is about); nothing but the median leaves this function, so no peer can be singled out.
    """
    return {
        code: (
            Decimal(statistics.median(scores)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)
            if len(scores) >= minimum
            else None
        )
        for code, scores in per_dimension_scores_of_peers.items()
    }
