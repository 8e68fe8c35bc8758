"""The decision engine: properties that must hold for any methodology and any values."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.engine import (
    LEVEL_RANK,
    VALUE_RANGES,
    Band,
    DecisionInput,
    IndicatorSpec,
    InvalidValue,
    LabelRules,
    LevelCode,
    Light,
    MethodologySpec,
    PriorLabel,
    PriorLabelState,
    ValueType,
    decide,
    evaluate_indicator,
)

EXAMPLES = settings(max_examples=500, deadline=None)
LIGHTS = [Light.RED, Light.YELLOW, Light.GREEN]
CENT = Decimal("0.01")


def _top(value_type: ValueType) -> Decimal:
    """The largest value drawn: the type's maximum, or 1,000 for counts and amounts (bands and
    thresholds of real methodologies sit far below their sanity bounds)."""
    return min(VALUE_RANGES[value_type][1], Decimal(1000))


@st.composite
def indicators(draw, code: str) -> IndicatorSpec:
    value_type = draw(st.sampled_from(list(ValueType)))
    top = _top(value_type)
    step = (
        Decimal(1) if value_type in (ValueType.COUNT, ValueType.RUBRIC, ValueType.YES_NO) else CENT
    )
    cuts = draw(
        st.lists(
            st.decimals(min_value=step, max_value=top, places=0 if step == 1 else 2),
            max_size=3,
            unique=True,
        )
    )
    lowers = [Decimal(0), *sorted(cuts)]
    points = sorted(draw(st.lists(st.integers(0, 4), min_size=len(lowers), max_size=len(lowers))))
    lights = sorted(
        draw(st.lists(st.sampled_from(LIGHTS), min_size=len(lowers), max_size=len(lowers))),
        key=LIGHTS.index,
    )
    in_gold = draw(st.booleans())
    return IndicatorSpec(
        code=code,
        dimension=draw(st.sampled_from(["STR", "GOV", "FIN"])),
        value_type=value_type,
        bands=tuple(Band(lo, li, p) for lo, li, p in zip(lowers, lights, points, strict=True)),
        threshold=draw(st.decimals(min_value=0, max_value=top, places=0 if step == 1 else 2)),
        weight=draw(st.sampled_from([Decimal(1), Decimal(2), Decimal("0.5")])),
        bronze_eligibility=draw(st.booleans()),
        gold_minimum=in_gold and draw(st.booleans()),
        in_gold_set=in_gold,
    )


@st.composite
def methodologies(draw) -> MethodologySpec:
    count = draw(st.integers(1, 8))
    specs = tuple(draw(indicators(f"I{n}")) for n in range(count))
    return MethodologySpec(
        code="m",
        version="1",
        indicators=specs,
        rules=LabelRules(
            gold_min_score_pct=draw(st.sampled_from([Decimal(50), Decimal(80), Decimal(90)]))
        ),
    )


def _value_for(spec: IndicatorSpec):
    top = _top(spec.value_type)
    places = 0 if spec.value_type in (ValueType.COUNT, ValueType.RUBRIC, ValueType.YES_NO) else 2
    return st.decimals(min_value=0, max_value=top, places=places)


ASSESSED_ON = datetime.date(2026, 6, 15)


@st.composite
def prior_labels(draw):
    """Earlier labels of the organisation: any level and state, started up to 40 months before
    the assessment (inside and outside the SILVER window)."""
    days_before = draw(st.integers(0, 1220))
    return PriorLabel(
        level=draw(st.sampled_from(["bronze", "silver", "gold"])),
        valid_from=ASSESSED_ON - datetime.timedelta(days=days_before),
        state=draw(st.sampled_from(list(PriorLabelState))),
    )


@st.composite
def cases(draw):
    methodology = draw(methodologies())
    values = {s.code: draw(st.none() | _value_for(s)) for s in methodology.indicators}
    data = DecisionInput(
        requested_level=draw(st.sampled_from(["bronze", "silver", "gold"])),
        values=values,
        validated_improvement_areas=draw(st.integers(0, 5)),
        assessment_date=ASSESSED_ON,
        organisation_country="DE",
        expert_countries=tuple(draw(st.lists(st.sampled_from(["DE", "FR", "AT"]), max_size=2))),
        prior_labels=tuple(draw(st.lists(prior_labels(), max_size=3))),
    )
    return methodology, data


@EXAMPLES
@given(case=cases(), data=st.data())
def test_raising_any_value_never_lowers_the_level_or_the_scores(case, data):
    methodology, decision_input = case
    spec = data.draw(st.sampled_from(methodology.indicators))
    before = decision_input.values[spec.code]
    raised = data.draw(_value_for(spec).filter(lambda v: before is None or v >= before))
    higher = dataclasses.replace(
        decision_input, values={**decision_input.values, spec.code: raised}
    )

    low, high = decide(methodology, decision_input), decide(methodology, higher)

    assert LEVEL_RANK[high.level] >= LEVEL_RANK[low.level]
    assert high.gold_score_pct >= low.gold_score_pct
    assert high.benchmark_score_pct >= low.benchmark_score_pct


@EXAMPLES
@given(
    case=cases(),
    levels=st.lists(st.sampled_from(["bronze", "silver", "gold"]), min_size=2, max_size=2),
)
def test_requesting_a_higher_level_never_yields_a_lower_level(case, levels):
    methodology, decision_input = case
    lower, higher = sorted(levels, key=lambda level: LEVEL_RANK[LevelCode(level)])

    at_lower = decide(methodology, dataclasses.replace(decision_input, requested_level=lower))
    at_higher = decide(methodology, dataclasses.replace(decision_input, requested_level=higher))

    assert LEVEL_RANK[at_higher.level] >= LEVEL_RANK[at_lower.level]


@EXAMPLES
@given(case=cases())
def test_the_level_never_exceeds_the_requested_one(case):
    methodology, decision_input = case

    decision = decide(methodology, decision_input)

    assert LEVEL_RANK[decision.level] <= LEVEL_RANK[LevelCode(decision_input.requested_level)]


@EXAMPLES
@given(case=cases())
def test_the_same_input_gives_the_same_output_reasons_included(case):
    methodology, decision_input = case

    first, second = decide(methodology, decision_input), decide(methodology, decision_input)

    assert first == second
    assert first.as_json() == second.as_json()
    assert [str(r) for r in first.reasons] == [str(r) for r in second.reasons]


@EXAMPLES
@given(spec=indicators("X"))
def test_an_indicator_passes_exactly_at_its_threshold_and_fails_just_below(spec):
    at = evaluate_indicator(spec, spec.threshold)

    assert at.passed
    if spec.threshold > 0:
        step = Decimal(1) if spec.threshold == spec.threshold.to_integral_value() else CENT
        assert not evaluate_indicator(spec, spec.threshold - step).passed


@EXAMPLES
@given(spec=indicators("X"), data=st.data())
def test_a_value_at_a_band_boundary_gets_that_band_and_just_below_gets_the_one_before(spec, data):
    position = data.draw(st.integers(1, len(spec.bands) - 1)) if len(spec.bands) > 1 else 0
    band = spec.bands[position]

    assert evaluate_indicator(spec, band.lower).points == band.points
    if position:
        below = band.lower - (CENT if band.lower % 1 else Decimal(1))
        if below >= spec.bands[position - 1].lower:
            assert evaluate_indicator(spec, below).points == spec.bands[position - 1].points


def _flat_methodology(n: int, min_score: Decimal) -> MethodologySpec:
    """n yes/no indicators worth 1 point each, all in the GOLD set, none a must-pass."""
    spec = lambda i: IndicatorSpec(  # noqa: E731 (a local one-line factory)
        code=f"Q{i}",
        dimension="STR",
        value_type=ValueType.YES_NO,
        bands=(Band(Decimal(0), Light.RED, 0), Band(Decimal(1), Light.GREEN, 1)),
        threshold=Decimal(1),
        in_gold_set=True,
    )
    return MethodologySpec("m", "1", tuple(spec(i) for i in range(n)), LabelRules(min_score))


NATIONAL_AND_FOREIGN = {"organisation_country": "DE", "expert_countries": ("DE", "FR")}


@EXAMPLES
@given(n=st.integers(1, 40), data=st.data())
def test_gold_is_awarded_from_exactly_the_minimum_score_and_not_below(n, data):
    yes = data.draw(st.integers(0, n))
    methodology = _flat_methodology(n, Decimal(80))
    values = {f"Q{i}": Decimal(1 if i < yes else 0) for i in range(n)}
    decision = decide(methodology, DecisionInput("gold", values, **NATIONAL_AND_FOREIGN))

    assert (decision.level == LevelCode.GOLD) == (yes * 100 >= 80 * n)
    exact = Decimal(yes) * 100 / n
    # Shown rounded down to two decimals: never more than the exact share, at most 0.01 less.
    assert decision.gold_score_pct <= exact < decision.gold_score_pct + CENT


@pytest.mark.parametrize(
    ("yes", "level"),
    [(8, LevelCode.GOLD), (7, LevelCode.BRONZE)],
    ids=["80-percent-is-gold", "70-percent-falls-back-to-bronze"],
)
def test_gold_threshold_on_both_sides(yes, level):
    methodology = _flat_methodology(10, Decimal(80))
    values = {f"Q{i}": Decimal(1 if i < yes else 0) for i in range(10)}

    decision = decide(methodology, DecisionInput("gold", values, **NATIONAL_AND_FOREIGN))

    assert decision.level == level


def test_a_gold_score_just_under_the_minimum_is_not_rounded_up_to_it():
    # 7,999 of 10,000 points is 79.99 %: rounded to one decimal it used to read 80.0 % and pass.
    methodology = _flat_methodology(10_000, Decimal(80))
    values = {f"Q{i}": Decimal(1 if i < 7_999 else 0) for i in range(10_000)}

    decision = decide(methodology, DecisionInput("gold", values, **NATIONAL_AND_FOREIGN))

    assert decision.level == LevelCode.BRONZE
    assert decision.gold_score_pct == Decimal("79.99")


def test_a_failed_eligibility_criterion_means_no_label_and_says_which():
    bands = (Band(Decimal(0), Light.RED, 0), Band(Decimal(15), Light.GREEN, 2))
    members = IndicatorSpec(
        "STR-1", "STR", ValueType.COUNT, bands, Decimal(15), bronze_eligibility=True
    )
    methodology = MethodologySpec("m", "1", (members,))

    decision = decide(methodology, DecisionInput("bronze", {"STR-1": Decimal(12)}))

    assert decision.level == LevelCode.NONE
    assert decision.indicators[0].passed is False
    assert [str(reason) for reason in decision.checks[0].reasons] == [
        "eligibility criterion STR-1 not met (12 is below the threshold 15)"
    ]
    assert [reason.code for reason in decision.reasons] == ["bronze.eligibility_not_met"]


@pytest.mark.parametrize(
    ("value_type", "value", "code"),
    [
        (ValueType.COUNT, Decimal("NaN"), "value.not_finite"),
        (ValueType.COUNT, Decimal("Infinity"), "value.not_finite"),
        (ValueType.COUNT, Decimal("1e400"), "value.out_of_range"),
        (ValueType.COUNT, Decimal(-1), "value.out_of_range"),
        (ValueType.PERCENTAGE, Decimal(101), "value.out_of_range"),
        (ValueType.RUBRIC, Decimal("3.5"), "value.out_of_range"),
        (ValueType.RUBRIC, Decimal("2.5"), "value.whole"),
        (ValueType.AMOUNT, Decimal("0.125"), "value.places"),
        (ValueType.YES_NO, Decimal(2), "value.out_of_range"),
        (ValueType.YES_NO, True, "value.not_a_number"),
        (ValueType.COUNT, "12", "value.not_a_number"),
    ],
    ids=[
        "nan", "infinity", "1e400", "negative", "101-percent", "rubric-3.5", "rubric-fraction",
        "three-places", "yes-no-2", "bool", "text",
    ],
)  # fmt: skip
def test_the_engine_refuses_a_value_its_indicator_does_not_allow_naming_the_indicator(
    value_type, value, code
):
    low = VALUE_RANGES[value_type][0]
    spec = IndicatorSpec(
        "GOV-9", "GOV", value_type, (Band(low, Light.RED, 0),), low, in_gold_set=True
    )

    with pytest.raises(InvalidValue) as refused:
        decide(MethodologySpec("m", "1", (spec,)), DecisionInput("gold", {"GOV-9": value}))

    assert refused.value.indicator == "GOV-9"
    assert refused.value.reason.code == code
    assert str(refused.value).startswith("GOV-9: ")


def test_the_engine_refuses_a_value_for_an_unknown_indicator():
    methodology = _flat_methodology(1, Decimal(80))

    with pytest.raises(InvalidValue, match="NOPE: unknown indicator"):
        decide(methodology, DecisionInput("bronze", {"Q0": Decimal(1), "NOPE": Decimal(1)}))
