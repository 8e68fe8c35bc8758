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
