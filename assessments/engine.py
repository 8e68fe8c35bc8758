"""The label decision engine: one pure function from methodology and facts to an explained level.

No database, no clock, no settings: ``decide`` reads only its arguments, so the same input
always gives the same output and any decision can be recomputed and explained line by line.
Bands are validated when a methodology is loaded so that a higher value never gets fewer points
or a worse light, which is what makes the result monotonic: raising any value never lowers the
level or the score.

The scheme's rules as this module applies them:

- Every application is a full benchmarking: every indicator of the methodology is scored. The
  GOLD score is computed on the GOLD set, the benchmarking score on every indicator.
- The requested level is a ceiling: the result is the highest level at or below it whose rules
  are met.
- BRONZE: every indicator has a value and every BRONZE eligibility criterion is met.
- SILVER: BRONZE, every GOLD minimum requirement met, enough validated improvement areas, and a
  BRONZE label of the organisation, neither revoked nor suspended, whose validity started 18 to
  24 calendar months (to the day) before the assessment date.
- GOLD: BRONZE, every GOLD minimum requirement met, a GOLD score of at least 80 % compared
  exactly (never after rounding), and a scoring team with an expert from the organisation's
  country and one from another country.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from decimal import Decimal
from enum import StrEnum

from dateutil.relativedelta import relativedelta


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


#: The values each type accepts, both ends included. The upper ends of counts and amounts are
#: sanity bounds (no cluster has a million members; a billion fits any amount per member or per
#: year) that also keep every value inside the database's 14 digits.
VALUE_RANGES: dict[ValueType, tuple[Decimal, Decimal]] = {
    ValueType.COUNT: (Decimal(0), Decimal(1_000_000)),
    ValueType.PERCENTAGE: (Decimal(0), Decimal(100)),
    ValueType.AMOUNT: (Decimal(0), Decimal(1_000_000_000)),
    ValueType.YES_NO: (Decimal(0), Decimal(1)),
    ValueType.RUBRIC: (Decimal(0), Decimal(3)),
}
WHOLE_NUMBER_TYPES = frozenset({ValueType.COUNT, ValueType.RUBRIC, ValueType.YES_NO})
#: Values carry at most two decimal places (what the database keeps).
VALUE_PLACES = 2
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


class LevelCode(StrEnum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"
    NONE = "none"


LEVEL_ORDER = (LevelCode.BRONZE, LevelCode.SILVER, LevelCode.GOLD)
LEVEL_RANK = {LevelCode.NONE: 0, LevelCode.BRONZE: 1, LevelCode.SILVER: 2, LevelCode.GOLD: 3}


class PriorLabelState(StrEnum):
    """A label's state as the SILVER rule reads it (the states of ``reports.LabelState``)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


#: A revoked label never counts; a suspended one does not while it is suspended. A label that
#: has expired or was superseded since still shows that the organisation was benchmarked.
PRIOR_BRONZE_COUNTS = frozenset(
    {PriorLabelState.ACTIVE, PriorLabelState.EXPIRED, PriorLabelState.SUPERSEDED}
)


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools know this marker by
    """Marks ``message`` for the translation catalogue without translating it: the engine may not
    import Django, so a reason is translated only where it is shown (``makemessages`` is told
    about this marker)."""
    return message


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an indicator or a level's rules are (not) met: a message id and its parameters.

    ``code`` names the rule for machines (``"gold.score_below_minimum"``). ``str()`` gives the
    English text; ``assessments.explanations.reason_text`` gives it in the reader's language with
    localised numbers. A parameter may itself be a ``Reason``.
    """

    message: str
    params: Mapping[str, object] = field(default_factory=dict)
    code: str = ""

    def __str__(self) -> str:
        return self.message % self.params

    def as_json(self) -> dict:
        """``{"code": ..., "message": ..., "params": {...}}``; a Decimal parameter becomes
        ``{"decimal": "15.00"}`` so that it reads back exactly and is known to be a number
        (an indicator code such as ``"1.1"`` is not one), a date its ISO form."""
        return {
            "code": self.code,
            "message": self.message,
            "params": {name: _json_param(value) for name, value in self.params.items()},
        }


def _json_param(value: object) -> object:
    if isinstance(value, Reason):
        return value.as_json()
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    return value


class InvalidValue(ValueError):
    """A value the indicator's type does not allow; names the indicator and the rule broken."""

    def __init__(self, indicator: str, reason: Reason) -> None:
        self.indicator = indicator
        self.reason = reason
        super().__init__(f"{indicator}: {reason}")


def value_problem(value_type: ValueType | str, value: object) -> Reason | None:
    """Why ``value`` is not a valid value of ``value_type`` (``None`` when it is one).

    Numbers only (a yes/no is 0 or 1): not a number, NaN or infinite, outside the type's range
    (``VALUE_RANGES``), a fraction where the type counts whole units, or more than two decimal
    places are each refused with the rule they break.
    """
    kind = ValueType(value_type)
    # Exact type checks: a bool is an int to isinstance, and no number here.
    if type(value) is Decimal:
        number = value
    elif type(value) is int:
        number = Decimal(value)
    else:
        return Reason(N_("not a number"), code="value.not_a_number")
    if not number.is_finite():
        return Reason(N_("not a finite number"), code="value.not_finite")
    low, high = VALUE_RANGES[kind]
    if not low <= number <= high:
        return Reason(
            N_("%(value)s is outside the range %(low)s to %(high)s"),
            {"value": number, "low": low, "high": high},
            code="value.out_of_range",
        )
    if kind in WHOLE_NUMBER_TYPES and number != number.to_integral_value():
        return Reason(N_("%(value)s is not a whole number"), {"value": number}, code="value.whole")
    if number.as_tuple().exponent < -VALUE_PLACES:
        return Reason(
            N_("%(value)s has more than two decimal places"), {"value": number}, code="value.places"
        )
    return None


@dataclass(frozen=True, slots=True)
class Band:
    """Values from ``lower`` (inclusive) up to the next band's lower bound."""

    lower: Decimal
    light: Light
    points: int


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    """One indicator. Every indicator is part of the full benchmarking; ``in_gold_set`` says
    whether it also counts in the GOLD score. ``bronze_eligibility`` makes it one of the
    eligibility criteria every label needs; ``gold_minimum`` one of the GOLD minimum
    requirements that SILVER and GOLD need."""

    code: str
    dimension: str
    value_type: ValueType
    bands: tuple[Band, ...]
    threshold: Decimal
    weight: Decimal = Decimal(1)
    bronze_eligibility: bool = False
    gold_minimum: bool = False
    in_gold_set: bool = False
    #: Results already worked out with their weighted points, by the value as written (see
    #: ``evaluate_indicator``).
    evaluated: dict[str, tuple[IndicatorResult, Decimal]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

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


#: Keys of ``MethodologySpec.maxima`` beside the dimensions' codes (which are never blank).
ALL, GOLD_SET = "", " gold"


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
    #: Worked out once (``__post_init__``): the weighted maximum of every indicator, of the
    #: GOLD set and of each dimension, and the codes a value may be given for.
    maxima: dict[str, Decimal] = field(init=False, compare=False, hash=False, repr=False)
    codes: frozenset[str] = field(init=False, compare=False, hash=False, repr=False)
    #: (key, picker): the GOLD set and each dimension (in the order of their first indicator),
    #: each with what picks its indicators' entries out of a list in the indicators' order.
    groups: tuple = field(init=False, compare=False, hash=False, repr=False)
    #: Pickers of the eligibility criteria and of the GOLD minimum requirements.
    eligibility: object = field(init=False, compare=False, hash=False, repr=False)
    minimums: object = field(init=False, compare=False, hash=False, repr=False)
    #: The dimensions, in the order of their first indicator.
    dimension_codes: tuple[str, ...] = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        members: dict[str, list[int]] = {GOLD_SET: []}
        for index, indicator in enumerate(self.indicators):
            if indicator.in_gold_set:
                members[GOLD_SET].append(index)
            members.setdefault(indicator.dimension, []).append(index)
        groups = tuple((key, _picker(indices)) for key, indices in members.items())
        weighted = [i.max_points * i.weight for i in self.indicators]
        maxima = {ALL: sum(weighted, Decimal(0))}
        maxima.update((key, sum(pick(weighted), Decimal(0))) for key, pick in groups)
        object.__setattr__(self, "maxima", maxima)
        object.__setattr__(self, "codes", frozenset(i.code for i in self.indicators))
        object.__setattr__(self, "groups", groups)
        object.__setattr__(self, "dimension_codes", tuple(k for k in members if k != GOLD_SET))
        numbered = list(enumerate(self.indicators))
        object.__setattr__(
            self, "eligibility", _picker([n for n, i in numbered if i.bronze_eligibility])
        )
        object.__setattr__(self, "minimums", _picker([n for n, i in numbered if i.gold_minimum]))

    @property
    def gold_set(self) -> tuple[IndicatorSpec, ...]:
        return tuple(i for i in self.indicators if i.in_gold_set)


def _picker(indices: list[int]):
    """What takes the entries at ``indices`` out of a list, always as a tuple."""
    if not indices:
        return lambda entries: ()
    if len(indices) == 1:
        return lambda entries, index=indices[0]: (entries[index],)
    return operator.itemgetter(*indices)


@dataclass(frozen=True, slots=True)
class PriorLabel:
    """A label the organisation held before: its level, the first day of its validity and its
    state now."""

    level: str
    valid_from: datetime.date
    state: str


@dataclass(frozen=True, slots=True)
class DecisionInput:
    """Everything a decision depends on.

    ``expert_countries`` holds one country code per scoring expert (two experts from the same
    country appear twice); ``assessment_date`` is the day the assessment was carried out, from
    which the SILVER rule counts back to the prior BRONZE label.
    """

    requested_level: str
    values: Mapping[str, Decimal | None]
    validated_improvement_areas: int = 0
    assessment_date: datetime.date | None = None
    organisation_country: str = ""
    expert_countries: Sequence[str] = ()
    prior_labels: Sequence[PriorLabel] = ()


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
    bronze_eligibility: bool
    gold_minimum: bool
    in_gold_set: bool
    passed: bool
    reason: Reason


@dataclass(frozen=True, slots=True)
class LevelCheck:
    level: LevelCode
    met: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """The level and why. Scores are percentages rounded *down* to two decimals for display: a
    GOLD score of 79.999 % reads 79.99 %, never 80.00 %. The rules compared the exact values."""

    level: LevelCode
    gold_score_pct: Decimal
    benchmark_score_pct: Decimal
    indicators: tuple[IndicatorResult, ...]
    checks: tuple[LevelCheck, ...]
    dimension_scores: tuple[tuple[str, Decimal], ...]

    def as_json(self) -> dict:
        """A JSON-ready copy (Decimals as strings, reasons as ``Reason.as_json``) to keep with
        the decision."""
        return _plain(self)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Why no higher level up to the requested one was reached, lowest level first."""
        return tuple(reason for check in self.checks if not check.met for reason in check.reasons)


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


#: Results kept per indicator: values recur (counts, percentages), a methodology is evaluated
#: thousands of times, and a result, immutable, is the same every time.
EVALUATED_PER_INDICATOR = 4096


def evaluate_indicator(spec: IndicatorSpec, value: Decimal | None) -> IndicatorResult:
    """Light, points and pass of one value. Raises ``InvalidValue`` for a value the indicator's
    type does not allow."""
    return _evaluated(spec, value)[0]


def _evaluated(spec: IndicatorSpec, value: Decimal | None) -> tuple[IndicatorResult, Decimal]:
    """The result and its weighted points, worked out once per value as written (5 and 5.0
    are equal but read differently in an explanation)."""
    if type(value) is not Decimal:
        result = _evaluate(spec, value)
        return result, result.points * result.weight
    key = str(value)
    known = spec.evaluated.get(key)
    if known is None:
        result = _evaluate(spec, value)
        known = (result, result.points * result.weight)
        if len(spec.evaluated) < EVALUATED_PER_INDICATOR:
            spec.evaluated[key] = known
    return known


def _evaluate(spec: IndicatorSpec, value: Decimal | None) -> IndicatorResult:
    if value is None:
        return IndicatorResult(
            spec.code, spec.dimension, None, Light.RED, 0, spec.max_points, spec.weight,
            spec.threshold, spec.bronze_eligibility, spec.gold_minimum, spec.in_gold_set, False,
            Reason(N_("no value"), code="indicator.no_value"),
        )  # fmt: skip
    low, high = VALUE_RANGES[spec.value_type]
    # The common case inline (a decision checks every value): a finite Decimal in range with at
    # most two places, whole where the type counts units. Anything else is explained in full.
    if not (
        type(value) is Decimal
        and value.is_finite()
        and low <= value <= high
        and value
        == (
            value.to_integral_value()
            if spec.value_type in WHOLE_NUMBER_TYPES
            else value.quantize(CENT)
        )
    ):
        problem = value_problem(spec.value_type, value)
        if problem is not None:
            raise InvalidValue(spec.code, problem)
        value = Decimal(value)  # an int becomes a Decimal like every other value
    band = spec.band_for(value)
    passed = value >= spec.threshold
    reason = Reason(
        N_("%(value)s meets the threshold %(threshold)s")
        if passed
        else N_("%(value)s is below the threshold %(threshold)s"),
        {"value": value, "threshold": spec.threshold},
        code="indicator.met" if passed else "indicator.below_threshold",
    )
    return IndicatorResult(
        spec.code, spec.dimension, value, band.light, band.points, spec.max_points, spec.weight,
        spec.threshold, spec.bronze_eligibility, spec.gold_minimum, spec.in_gold_set, passed,
        reason,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Score:
    """Points achieved out of the maximum, weighted, kept exact (Decimal sums of values with
    two decimals are exact): the rules compare it exactly and it is rounded only for display."""

    achieved: Decimal
    maximum: Decimal

    @classmethod
    def of(cls, results: Sequence[IndicatorResult]) -> Score:
        return cls(
            sum((r.points * r.weight for r in results), Decimal(0)),
            sum((r.max_points * r.weight for r in results), Decimal(0)),
        )

    def at_least(self, pct: Decimal) -> bool:
        """Whether the score is ``pct`` % of the maximum or more, compared without rounding."""
        if not self.maximum:
            return pct <= 0
        return self.achieved * HUNDRED >= pct * self.maximum

    def display_pct(self) -> Decimal:
        """The percentage rounded *down* to two decimals: what is shown never claims more than
        was met (79.999 % reads 79.99 %, never 80.00 %)."""
        return _display_pct(self.achieved, self.maximum)


@functools.lru_cache(maxsize=65536)
def _display_pct(achieved: Decimal, maximum: Decimal) -> Decimal:
    # Kept: a dimension's few sums recur across thousands of decisions.
    if not maximum:
        return Decimal("0.00")
    return ((achieved * HUNDRED * HUNDRED // maximum) / HUNDRED).quantize(CENT)


@functools.lru_cache(maxsize=4096)
def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later (the month's last day where it is shorter:
    31 August + 6 months is 28 or 29 February)."""
    return day + relativedelta(months=months)


def valid_prior_bronze(
    rules: LabelRules, labels: Sequence[PriorLabel], on: datetime.date | None
) -> PriorLabel | None:
    """The latest BRONZE label that counts for a SILVER assessed on day ``on``: not revoked, not
    suspended, its validity started from ``rules.silver_prior_bronze_max_months`` up to
    ``silver_prior_bronze_min_months`` calendar months before ``on``, both days included."""
    if on is None:
        return None
    counting = [
        label
        for label in labels
        if label.level == LevelCode.BRONZE
        and label.state in PRIOR_BRONZE_COUNTS
        and months_after(label.valid_from, rules.silver_prior_bronze_min_months)
        <= on
        <= months_after(label.valid_from, rules.silver_prior_bronze_max_months)
    ]
    return max(counting, key=lambda label: label.valid_from, default=None)


def _bronze_reasons(
    results: Sequence[IndicatorResult], criteria: Sequence[IndicatorResult]
) -> list[Reason]:
    """``criteria``: the results of the eligibility criteria among ``results``."""
    reasons = [
        Reason(N_("no value for %(code)s"), {"code": r.code}, code="bronze.no_value")
        for r in results
        if r.value is None
    ]
    reasons += [
        Reason(
            N_("eligibility criterion %(code)s not met (%(reason)s)"),
            {"code": r.code, "reason": r.reason},
            code="bronze.eligibility_not_met",
        )
        for r in criteria
        if r.value is not None and not r.passed
    ]
    return reasons


def _above_bronze_reasons(
    level: LevelCode, failed_gold_minimums: Sequence[IndicatorResult], bronze_met: bool
) -> list[Reason]:
    """What SILVER and GOLD both need: BRONZE, and every GOLD minimum requirement."""
    reasons = []
    if not bronze_met:
        reasons.append(
            Reason(N_("the BRONZE rules are not met"), code=f"{level}.bronze_not_met"),
        )
    reasons += [
        Reason(
            N_("GOLD minimum requirement %(code)s not met (%(reason)s)"),
            {"code": r.code, "reason": r.reason},
            code=f"{level}.gold_minimum_not_met",
        )
        for r in failed_gold_minimums
    ]
    return reasons


def _silver_reasons(rules: LabelRules, data: DecisionInput) -> list[Reason]:
    reasons = []
    if valid_prior_bronze(rules, data.prior_labels, data.assessment_date) is None:
        reasons.append(
            Reason(
                N_(
                    "needs a BRONZE label, neither revoked nor suspended, whose validity started "
                    "%(min)s to %(max)s months before the assessment"
                ),
                {
                    "min": rules.silver_prior_bronze_min_months,
                    "max": rules.silver_prior_bronze_max_months,
                },
                code="silver.no_valid_prior_bronze",
            )
        )
    if data.validated_improvement_areas < rules.silver_min_improvement_areas:
        reasons.append(
            Reason(
                N_("validated improvement areas: %(validated)s, %(needed)s needed"),
                {
                    "validated": data.validated_improvement_areas,
                    "needed": rules.silver_min_improvement_areas,
                },
                code="silver.improvement_areas",
            )
        )
    return reasons


def team_reasons(rules: LabelRules, organisation_country: str, countries: Sequence[str]) -> list:
    """Why a scoring team cannot assess GOLD: it needs an expert from the organisation's country
    and one from another country (and experts from ``gold_min_expert_countries`` countries)."""
    known = [c for c in countries if c]
    reasons = []
    if not organisation_country or organisation_country not in known:
        reasons.append(
            Reason(
                N_("needs a scoring expert from the organisation's country (%(country)s)"),
                {"country": organisation_country or "?"},
                code="gold.no_national_expert",
            )
        )
    if not any(c != organisation_country for c in known):
        reasons.append(
            Reason(
                N_("needs a scoring expert from another country than %(country)s"),
                {"country": organisation_country or "?"},
                code="gold.no_foreign_expert",
            )
        )
    if not reasons and len(set(known)) < rules.gold_min_expert_countries:
        reasons.append(
            Reason(
                N_("countries of the experts: %(countries)s, %(needed)s needed"),
                {"countries": len(set(known)), "needed": rules.gold_min_expert_countries},
                code="gold.expert_countries",
            )
        )
    return reasons


def _gold_reasons(rules: LabelRules, data: DecisionInput, gold_score: Score) -> list[Reason]:
    reasons = []
    if not gold_score.at_least(rules.gold_min_score_pct):
        reasons.append(
            Reason(
                N_("GOLD score %(score)s %% is below %(minimum)s %%"),
                {"score": gold_score.display_pct(), "minimum": rules.gold_min_score_pct},
                code="gold.score_below_minimum",
            )
        )
    return reasons + team_reasons(rules, data.organisation_country, data.expert_countries)


#: Rules that are facts about the organisation and the assessment, not the experts' judgement:
#: no override of the engine's level may get past them.
FACT_RULES = frozenset(
    {
        "bronze.no_value",
        "bronze.eligibility_not_met",
        "silver.no_valid_prior_bronze",
        "gold.no_national_expert",
        "gold.no_foreign_expert",
        "gold.expert_countries",
    }
)


def bars_override(check_level: str, code: str, level: str) -> bool:
    """Whether a reason (its ``code``) of the check of ``check_level`` keeps ``level`` from being
    awarded whatever the experts' judgement: a fact of the BRONZE check (complete values,
    eligibility) bars every label, one of a level's own check (the prior BRONZE for SILVER, the
    national and foreign experts for GOLD) that level. No label is never barred."""
    wanted = LevelCode(level)
    return (
        wanted != LevelCode.NONE
        and LevelCode(check_level) in (LevelCode.BRONZE, wanted)
        and code in FACT_RULES
    )


def override_barriers(decision: Decision, level: str) -> tuple[Reason, ...]:
    """The facts that keep ``level`` from being awarded whatever the experts' judgement
    (``bars_override``). Empty for no label, and for a level whose check the decision does not
    hold (above the requested ceiling: refused on its own)."""
    return tuple(
        reason
        for check in decision.checks
        for reason in check.reasons
        if bars_override(check.level, reason.code, level)
    )


def decide(methodology: MethodologySpec, data: DecisionInput) -> Decision:
    """The highest level up to the requested one whose rules are met, with the reasons.

    Raises ``InvalidValue`` for a value of an unknown indicator or one its type does not allow.
    """
    rules = methodology.rules
    values = data.values
    known = methodology.codes
    if not known.issuperset(values):
        code = next(code for code in values if code not in known)
        raise InvalidValue(code, Reason(N_("unknown indicator"), code="value.unknown"))
    maxima = methodology.maxima
    evaluated = [_evaluated(i, values.get(i.code)) for i in methodology.indicators]
    results, points = zip(*evaluated, strict=True) if evaluated else ((), ())
    # Score.of's sums, from the weighted points worked out with each result, per group.
    achieved = {key: sum(pick(points), ZERO) for key, pick in methodology.groups}
    achieved[ALL] = sum(points, ZERO)
    gold_score = Score(achieved[GOLD_SET], maxima[GOLD_SET])

    bronze = _bronze_reasons(results, methodology.eligibility(results))
    failed = [r for r in methodology.minimums(results) if r.value is not None and not r.passed]
    requested = LevelCode(data.requested_level)
    ceiling = LEVEL_ORDER[: LEVEL_ORDER.index(requested) + 1]
    # Only the levels up to the ceiling are checked: the others cannot be awarded anyway.
    reasons: dict[LevelCode, list[Reason]] = {LevelCode.BRONZE: bronze}
    if LevelCode.SILVER in ceiling:
        reasons[LevelCode.SILVER] = _above_bronze_reasons(
            LevelCode.SILVER, failed, not bronze
        ) + _silver_reasons(rules, data)
    if LevelCode.GOLD in ceiling:
        reasons[LevelCode.GOLD] = _above_bronze_reasons(
            LevelCode.GOLD, failed, not bronze
        ) + _gold_reasons(rules, data, gold_score)
    checks = tuple(
        LevelCheck(level, not reasons[level], tuple(reasons[level])) for level in ceiling
    )
    level = next((c.level for c in reversed(checks) if c.met), LevelCode.NONE)

    # Score(...).display_pct() without a Score each: the same rounding, a tenth of the time.
    return Decision(
        level=level,
        gold_score_pct=gold_score.display_pct(),
        benchmark_score_pct=_display_pct(achieved[ALL], maxima[ALL]),
        indicators=results,
        checks=checks,
        dimension_scores=tuple(
            [
                (code, _display_pct(achieved[code], maxima[code]))
                for code in methodology.dimension_codes
            ]
        ),
    )
