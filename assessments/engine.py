"""The label decision engine: one pure function from methodology and values to an explained level.

No database, no clock, no settings: ``decide`` reads only its arguments, so the same input
always gives the same output and any decision can be recomputed and explained line by line.
Bands are validated when a methodology is loaded so that a higher value never gets fewer points
or a worse light, which is what makes the result monotonic: raising any value never lowers the
level or the score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
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


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools know this marker by
    """Marks ``message`` for the translation catalogue without translating it: the engine may not
    import Django, so a reason is translated only where it is shown (``makemessages`` is told
    about this marker)."""
    return message


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an indicator or a level's rules are (not) met: a message id and its parameters.

    ``str()`` gives the English text; ``assessments.explanations.reason_text`` gives it in the
    reader's language with localised numbers. A parameter may itself be a ``Reason``.
    """

    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.params

    def as_json(self) -> dict:
        """``{"message": ..., "params": {...}}``; a Decimal parameter becomes
        ``{"decimal": "15.00"}`` so that it reads back exactly and is known to be a number
        (an indicator code such as ``"1.1"`` is not one)."""
        return {
            "message": self.message,
            "params": {name: _json_param(value) for name, value in self.params.items()},
        }


def _json_param(value: object) -> object:
    if isinstance(value, Reason):
        return value.as_json()
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return value


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
    reason: Reason


@dataclass(frozen=True, slots=True)
class LevelCheck:
    level: LevelCode
    met: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    level: LevelCode
    score_pct: Decimal
    indicators: tuple[IndicatorResult, ...]
    checks: tuple[LevelCheck, ...]
    dimension_scores: tuple[tuple[str, Decimal], ...]

    def as_json(self) -> dict:
        """A JSON-ready copy (Decimals as strings, reasons as ``Reason.as_json``) to keep with
        the decision."""
        return _plain(self)


def _plain(value: object) -> object:
    if isinstance(value, Reason):
        return value.as_json()
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def evaluate_indicator(spec: IndicatorSpec, value: Decimal | None) -> IndicatorResult:
    if value is None:
        return IndicatorResult(
            spec.code, spec.dimension, None, Light.RED, 0, spec.max_points, spec.weight,
            spec.threshold, spec.minimum_requirement, False, Reason(N_("no value")),
        )  # fmt: skip
    band = spec.band_for(value)
    passed = value >= spec.threshold
    reason = Reason(
        N_("%(value)s meets the threshold %(threshold)s")
        if passed
        else N_("%(value)s is below the threshold %(threshold)s"),
        {"value": value, "threshold": spec.threshold},
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


def _unmet_minimums(results: list[IndicatorResult]) -> list[Reason]:
    return [
        Reason(
            N_("minimum requirement %(code)s not met (%(reason)s)"),
            {"code": r.code, "reason": r.reason},
        )
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

    bronze_reasons = [
        Reason(N_("no value for %(code)s"), {"code": r.code}) for r in bronze if r.value is None
    ]
    bronze_reasons += _unmet_minimums(bronze)

    silver_reasons = _unmet_minimums(gold)
    age = data.prior_bronze_age_months
    if age is None or not (
        rules.silver_prior_bronze_min_months <= age <= rules.silver_prior_bronze_max_months
    ):
        silver_reasons.append(
            Reason(
                N_("needs a BRONZE label awarded %(min)s to %(max)s months earlier"),
                {
                    "min": rules.silver_prior_bronze_min_months,
                    "max": rules.silver_prior_bronze_max_months,
                },
            )
        )
    if data.validated_improvement_areas < rules.silver_min_improvement_areas:
        silver_reasons.append(
            Reason(
                N_("validated improvement areas: %(validated)s, %(needed)s needed"),
                {
                    "validated": data.validated_improvement_areas,
                    "needed": rules.silver_min_improvement_areas,
                },
            )
        )

    gold_reasons = _unmet_minimums(gold)
    if gold_score < rules.gold_min_score_pct:
        gold_reasons.append(
            Reason(
                N_("score %(score)s %% is below %(minimum)s %%"),
                {"score": gold_score, "minimum": rules.gold_min_score_pct},
            )
        )
    if len(data.expert_countries) < rules.gold_min_expert_countries:
        gold_reasons.append(
            Reason(
                N_("countries of the experts: %(countries)s, %(needed)s needed"),
                {
                    "countries": len(data.expert_countries),
                    "needed": rules.gold_min_expert_countries,
                },
            )
        )

    reasons: dict[LevelCode, list[Reason]] = {
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
