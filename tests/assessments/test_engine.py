"""The decision engine: properties that must hold for any methodology and any values."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.engine import (
    Band,
    DecisionInput,
    IndicatorSpec,
    LabelRules,
    LevelCode,
    Light,
    MethodologySpec,
    ValueType,
    decide,
    evaluate_indicator,
)
from assessments.methodology_schema import VALUE_RANGES

EXAMPLES = settings(max_examples=500, deadline=None)
LIGHTS = [Light.RED, Light.YELLOW, Light.GREEN]
CENT = Decimal("0.01")


def _top(value_type: ValueType) -> Decimal:
    return VALUE_RANGES[value_type][1] or Decimal(1000)


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
        minimum_requirement=draw(st.booleans()),
        in_bronze_set=True,
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


@st.composite
def cases(draw):
    methodology = draw(methodologies())
    values = {s.code: draw(st.none() | _value_for(s)) for s in methodology.indicators}
    data = DecisionInput(
        requested_level=draw(st.sampled_from(["bronze", "silver", "gold"])),
        values=values,
        validated_improvement_areas=draw(st.integers(0, 5)),
        prior_bronze_age_months=draw(st.none() | st.integers(0, 40)),
        expert_countries=frozenset(draw(st.lists(st.sampled_from(["DE", "FR", "AT"]), max_size=2))),
    )
    return methodology, data


RANK = {LevelCode.NONE: 0, LevelCode.BRONZE: 1, LevelCode.SILVER: 2, LevelCode.GOLD: 3}


@EXAMPLES
@given(case=cases(), data=st.data())
def test_raising_any_value_never_lowers_the_level_or_the_score(case, data):
    methodology, decision_input = case
    spec = data.draw(st.sampled_from(methodology.indicators))
    before = decision_input.values[spec.code]
    raised = data.draw(_value_for(spec).filter(lambda v: before is None or v >= before))
    higher = DecisionInput(
        requested_level=decision_input.requested_level,
        values={**decision_input.values, spec.code: raised},
        validated_improvement_areas=decision_input.validated_improvement_areas,
        prior_bronze_age_months=decision_input.prior_bronze_age_months,
        expert_countries=decision_input.expert_countries,
    )

    low, high = decide(methodology, decision_input), decide(methodology, higher)

    assert RANK[high.level] >= RANK[low.level]
    assert high.score_pct >= low.score_pct


@EXAMPLES
@given(case=cases())
def test_the_same_input_gives_the_same_output(case):
    methodology, decision_input = case

    assert decide(methodology, decision_input) == decide(methodology, decision_input)


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
    """n yes/no indicators worth 1 point each, all in the GOLD set, none a minimum."""
    spec = lambda i: IndicatorSpec(  # noqa: E731 (a local one-line factory)
        code=f"Q{i}",
        dimension="STR",
        value_type=ValueType.YES_NO,
        bands=(Band(Decimal(0), Light.RED, 0), Band(Decimal(1), Light.GREEN, 1)),
        threshold=Decimal(1),
        in_gold_set=True,
    )
    return MethodologySpec("m", "1", tuple(spec(i) for i in range(n)), LabelRules(min_score))


@EXAMPLES
@given(n=st.integers(1, 40), data=st.data())
def test_gold_is_awarded_from_exactly_the_minimum_score_and_not_below(n, data):
    yes = data.draw(st.integers(0, n))
    methodology = _flat_methodology(n, Decimal(80))
    values = {f"Q{i}": Decimal(1 if i < yes else 0) for i in range(n)}
    decision = decide(
        methodology,
        DecisionInput("gold", values, expert_countries=frozenset({"DE", "FR"})),
    )

    exact_share = Decimal(yes) * 100 / n
    assert (decision.level == LevelCode.GOLD) == (decision.score_pct >= 80)
    assert abs(decision.score_pct - exact_share) <= Decimal("0.05")


@pytest.mark.parametrize(
    ("yes", "level"),
    [(8, LevelCode.GOLD), (7, LevelCode.BRONZE)],
    ids=["80-percent-is-gold", "70-percent-falls-back-to-bronze"],
)
def test_gold_threshold_on_both_sides(yes, level):
    methodology = _flat_methodology(10, Decimal(80))
    values = {f"Q{i}": Decimal(1 if i < yes else 0) for i in range(10)}

    decision = decide(
        methodology, DecisionInput("gold", values, expert_countries=frozenset({"DE", "FR"}))
    )

    assert decision.level == level


def test_gold_needs_experts_from_two_countries():
    methodology = _flat_methodology(5, Decimal(80))
    values = {f"Q{i}": Decimal(1) for i in range(5)}

    decision = decide(
        methodology, DecisionInput("gold", values, expert_countries=frozenset({"DE"}))
    )

    assert decision.level == LevelCode.BRONZE
    assert "countries of the experts: 1, 2 needed" in map(str, decision.checks[-1].reasons)


def test_a_failed_minimum_requirement_means_no_label_and_says_which():
    bands = (Band(Decimal(0), Light.RED, 0), Band(Decimal(15), Light.GREEN, 2))
    members = IndicatorSpec(
        "STR-1", "STR", ValueType.COUNT, bands, Decimal(15), minimum_requirement=True
    )
    methodology = MethodologySpec("m", "1", (members,))

    decision = decide(methodology, DecisionInput("bronze", {"STR-1": Decimal(12)}))

    assert decision.level == LevelCode.NONE
    assert decision.indicators[0].passed is False
    assert [str(reason) for reason in decision.checks[0].reasons] == [
        "minimum requirement STR-1 not met (12 is below the threshold 15)"
    ]


def test_silver_needs_a_recent_bronze_and_three_validated_improvement_areas():
    methodology = _flat_methodology(3, Decimal(80))
    values = {f"Q{i}": Decimal(1) for i in range(3)}

    ok = decide(methodology, DecisionInput("silver", values, 3, prior_bronze_age_months=20))
    too_few = decide(methodology, DecisionInput("silver", values, 2, prior_bronze_age_months=20))
    too_old = decide(methodology, DecisionInput("silver", values, 3, prior_bronze_age_months=30))

    assert (ok.level, too_few.level, too_old.level) == (
        LevelCode.SILVER,
        LevelCode.BRONZE,
        LevelCode.BRONZE,
    )
