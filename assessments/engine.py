"""The label decision engine: one pure function from methodology and values to an explained level.

No database, no clock, no settings: ``decide`` reads only its arguments, so the same input
always gives the same output and any decision can be recomputed and explained line by line.
Bands are validated when a methodology is loaded so that a higher value never gets fewer points
or a worse light, which is what makes the result monotonic: raising any value never lowers the
level or the score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Light(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


LIGHT_RANK = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2}


class ValueType(StrEnum):
    COUNT = "count"
    PERCENTAGE = "percentage"
    AMOUNT = "amount"
    YES_NO = "yes_no"
    RUBRIC = "rubric"


class LevelCode(StrEnum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"
    NONE = "none"


LEVEL_ORDER = (LevelCode.BRONZE, LevelCode.SILVER, LevelCode.GOLD)
HUNDRED = Decimal(100)
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Band:
    """Values from ``lower`` (inclusive) up to the next band's lower bound."""

    lower: Decimal
    light: Light
    points: int


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    code: str
    dimension: str
    value_type: ValueType
    bands: tuple[Band, ...]
    threshold: Decimal
    weight: Decimal = Decimal(1)
    minimum_requirement: bool = False
    in_bronze_set: bool = True
    in_gold_set: bool = False

    @property
    def max_points(self) -> int:
        return self.bands[-1].points

    def band_for(self, value: Decimal) -> Band:
        chosen = self.bands[0]
        for band in self.bands:
            if value >= band.lower:
                chosen = band
            else:
                break
        return chosen


@dataclass(frozen=True, slots=True)
class LabelRules:
    gold_min_score_pct: Decimal = Decimal(80)
    gold_min_expert_countries: int = 2
    silver_min_improvement_areas: int = 3
    silver_prior_bronze_min_months: int = 18
    silver_prior_bronze_max_months: int = 24


@dataclass(frozen=True, slots=True)
class MethodologySpec:
    code: str
    version: str
    indicators: tuple[IndicatorSpec, ...]
    rules: LabelRules = field(default_factory=LabelRules)

    def indicator_set(self, level: str) -> tuple[IndicatorSpec, ...]:
        """BRONZE is benchmarked on the BRONZE set; SILVER and GOLD on the GOLD set."""
        if level == LevelCode.BRONZE:
            return tuple(i for i in self.indicators if i.in_bronze_set)
        return tuple(i for i in self.indicators if i.in_gold_set)


@dataclass(frozen=True, slots=True)
class DecisionInput:
    requested_level: str
    values: Mapping[str, Decimal | None]
    validated_improvement_areas: int = 0
    prior_bronze_age_months: int | None = None
    expert_countries: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    code: str
    dimension: str
    value: Decimal | None
    light: Light
    points: int
    max_points: int
    weight: Decimal
    threshold: Decimal
    minimum_requirement: bool
    passed: bool
    reason: str


@dataclass(frozen=True, slots=True)
class LevelCheck:
    level: LevelCode
    met: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    level: LevelCode
    score_pct: Decimal
    indicators: tuple[IndicatorResult, ...]
    checks: tuple[LevelCheck, ...]
    dimension_scores: tuple[tuple[str, Decimal], ...]

    def as_json(self) -> dict:
        """A JSON-ready copy (Decimals as strings) to keep with the decision."""

        def plain(value):
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value

        return plain(asdict(self))


def evaluate_indicator(spec: IndicatorSpec, value: Decimal | None) -> IndicatorResult:
    if value is None:
        return IndicatorResult(
            spec.code, spec.dimension, None, Light.RED, 0, spec.max_points, spec.weight,
            spec.threshold, spec.minimum_requirement, False, "no value",
        )  # fmt: skip
    band = spec.band_for(value)
    passed = value >= spec.threshold
    reason = (
        f"{value} meets the threshold {spec.threshold}"
        if passed
        else f"{value} is below the threshold {spec.threshold}"
    )
    return IndicatorResult(
        spec.code, spec.dimension, value, band.light, band.points, spec.max_points, spec.weight,
        spec.threshold, spec.minimum_requirement, passed, reason,
    )  # fmt: skip


def _score_pct(results: list[IndicatorResult]) -> Decimal:
    maximum = sum((r.max_points * r.weight for r in results), Decimal(0))
    if not maximum:
        return Decimal(0)
    achieved = sum((r.points * r.weight for r in results), Decimal(0))
    return (achieved * HUNDRED / maximum).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _unmet_minimums(results: list[IndicatorResult]) -> list[str]:
    return [
        f"minimum requirement {r.code} not met ({r.reason})"
        for r in results
        if r.minimum_requirement and not r.passed
    ]


def decide(methodology: MethodologySpec, data: DecisionInput) -> Decision:
    """The highest level up to the requested one whose rules are met, with the reasons."""
    rules = methodology.rules
    by_code = {
        spec.code: evaluate_indicator(spec, data.values.get(spec.code))
        for spec in methodology.indicators
    }
    bronze = [by_code[s.code] for s in methodology.indicator_set(LevelCode.BRONZE)]
    gold = [by_code[s.code] for s in methodology.indicator_set(LevelCode.GOLD)]
    gold_score = _score_pct(gold)

    bronze_reasons = [f"no value for {r.code}" for r in bronze if r.value is None]
    bronze_reasons += _unmet_minimums(bronze)

    silver_reasons = _unmet_minimums(gold)
    age = data.prior_bronze_age_months
    if age is None or not (
        rules.silver_prior_bronze_min_months <= age <= rules.silver_prior_bronze_max_months
    ):
        silver_reasons.append(
            f"needs a BRONZE label awarded {rules.silver_prior_bronze_min_months} to "
            f"{rules.silver_prior_bronze_max_months} months earlier"
        )
    if data.validated_improvement_areas < rules.silver_min_improvement_areas:
        silver_reasons.append(
            f"{data.validated_improvement_areas} improvement areas validated, "
            f"{rules.silver_min_improvement_areas} needed"
        )

    gold_reasons = _unmet_minimums(gold)
    if gold_score < rules.gold_min_score_pct:
        gold_reasons.append(f"score {gold_score} % is below {rules.gold_min_score_pct} %")
    if len(data.expert_countries) < rules.gold_min_expert_countries:
        gold_reasons.append(
            f"assessed by experts from {len(data.expert_countries)} countries, "
            f"{rules.gold_min_expert_countries} needed"
        )

    reasons = {
        LevelCode.BRONZE: bronze_reasons,
        LevelCode.SILVER: silver_reasons,
        LevelCode.GOLD: gold_reasons,
    }
    requested = LevelCode(data.requested_level)
    eligible = LEVEL_ORDER[: LEVEL_ORDER.index(requested) + 1]
    checks = tuple(
        LevelCheck(level, not reasons[level], tuple(reasons[level])) for level in eligible
    )
    level = next((c.level for c in reversed(checks) if c.met), LevelCode.NONE)

    scored = bronze if requested == LevelCode.BRONZE else gold
    dimensions: dict[str, list[IndicatorResult]] = {}
    for result in scored:
        dimensions.setdefault(result.dimension, []).append(result)
    return Decision(
        level=level,
        score_pct=_score_pct(scored),
        indicators=tuple(by_code.values()),
        checks=checks,
        dimension_scores=tuple((code, _score_pct(rows)) for code, rows in dimensions.items()),
    )
