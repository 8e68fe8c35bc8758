"""The scheme's label rules, one test per rule, each on the path a real application takes.

Every test walks an application through the services: the manager's self-assessment, the
secretariat's screening and expert team, the experts' scores (``score_save``), their submission,
the lead expert's consensus, the rules' recommendation (``consensus_complete``) and the
two-person decision (``application_propose_decision`` / ``application_confirm_decision``).
The same rules, given as JSON, go through ``manage.py simulate_decision`` at the end.

The rules (``../shared/domain.md``, issue 13):
1. Every application is a full benchmarking; the requested level is a ceiling and the decision
   is the highest level at or below it whose rules are met.
2. Scores are compared exactly; they are rounded only for display, and down.
3. Every level needs the BRONZE eligibility criteria.
4. GOLD is assessed by two scoring experts, one from the organisation's country and one from
   another; BRONZE and SILVER by one.
5. SILVER needs a BRONZE label of the organisation, neither revoked nor suspended, whose
   validity started 18 to 24 calendar months (to the day) before the assessment.
6. A value outside its indicator's type is refused with a field error, never a server error.
7. An override needs a written reason and never gets past a fact.
"""

from __future__ import annotations

import datetime
import json
import tempfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.urls import reverse

from assessments import services as assessment_services
from assessments.models import AssignmentRole, Indicator, MethodologyVersion
from assessments.services import decision
from assessments.services.decision import decision_input_for, latest_recommendation
from assessments.services.methodology import methodology_load
from assessments.simulation import input_for, simulate
from labelling import services
from labelling.exceptions import InvalidInput
from labelling.models import Application, ApplicationState, Level, Outcome
from reports import services as report_services
from reports.models import LabelState
from reports.services import label_revoke, label_suspend
from tests import factories

S = ApplicationState
#: Every test runs on this day, so that "18 months before" is a date the tests can name.
TODAY = datetime.datetime(2026, 9, 15, 10, 0, tzinfo=datetime.UTC)
ROUNDING = Path(__file__).resolve().parent.parent / "fixtures" / "methodology-rounding.yaml"

#: Values of the small test methodology (tests/fixtures/methodology-small.yaml).
#: STR-1 is a BRONZE eligibility criterion and a GOLD minimum; GOV-3 (outside the GOLD set) only
#: an eligibility criterion; GOV-1 only a GOLD minimum. The GOLD set's maximum is 10 points
#: (GOV-2 weighs 2), all five indicators' 12.
TOP = {"STR-1": 50, "STR-2": 50, "GOV-1": 1, "GOV-2": 3, "GOV-3": 2}  # 10 of 10: 100 %
AT_THRESHOLDS = {"STR-1": 15, "STR-2": 30, "GOV-1": 1, "GOV-2": 2, "GOV-3": Decimal("0.5")}


@pytest.fixture(autouse=True)
def _on_a_fixed_day():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def german_expert(db):
    return factories.ExpertFactory(email="national@example.org", country="DE")


@pytest.fixture
def french_expert(db):
    return factories.ExpertFactory(email="foreign@example.org", country="FR")


@pytest.fixture
def another_german_expert(db):
    return factories.ExpertFactory(email="national2@example.org", country="DE")


def _application(organisation, manager, level, *, methodology=None) -> Application:
    return factories.ApplicationFactory(
        organisation=organisation,
        created_by=manager,
        level=level,
        methodology=methodology or factories.small_methodology(),
        self_assessed=False,
    )


def _self_assess(application: Application, manager, values: dict, areas: int) -> None:
    for indicator in application.methodology.indicators.all():
        assessment_services.answer_save(
            application=application,
            indicator=indicator,
            actor=manager,
            value=values[indicator.code],
        )
    factories.fill_self_assessment(application, values)  # evidence documents
    application.improvement_areas.all().delete()
    for n in range(areas):
        assessment_services.improvement_area_add(
            application=application,
            actor=manager,
            title=f"Improvement {n + 1}",
            description="What changed",
            effect="What it brought",
        )


def assess(
    application: Application,
    *,
    manager,
    secretariat,
    experts,
    values: dict,
    validated_areas: int = 3,
):
    """Walk ``application`` through the services to the quality review; every expert scores
    ``values``; of a SILVER's three improvement areas the lead validates ``validated_areas``."""
    _self_assess(application, manager, values, 3 if application.level == Level.SILVER else 0)
    services.application_submit(application=application, actor=manager)
    services.application_accept(application=application, actor=secretariat)
    for index, expert in enumerate(experts):
        assessment_services.assignment_create(
            application=application,
            expert=expert,
            role=AssignmentRole.LEAD if index == 0 else AssignmentRole.SECOND,
            actor=secretariat,
        )
    assessment_services.application_assign_experts(application=application, actor=secretariat)
    for assignment in application.assignments.select_related("expert"):
        assessment_services.assignment_accept(
            assignment=assignment, actor=assignment.expert, no_conflict_declared=True
        )
    application.refresh_from_db()
    for assignment in application.assignments.select_related("expert"):
        for indicator in application.methodology.indicators.all():
            assessment_services.score_save(
                assignment=assignment,
                indicator=indicator,
                actor=assignment.expert,
                value=values[indicator.code],
            )
        if assignment.role == AssignmentRole.LEAD:
            for n, area in enumerate(application.improvement_areas.order_by("pk")):
                assessment_services.improvement_area_validate(
                    area=area,
                    actor=assignment.expert,
                    validated=n < validated_areas,
                    note="Seen on site." if n < validated_areas else "No effect shown yet.",
                )
        assessment_services.assessment_submit(assignment=assignment, actor=assignment.expert)
    lead = application.assignments.get(role=AssignmentRole.LEAD).expert
    application.refresh_from_db()
    assessment_services.consensus_complete(application=application, actor=lead)
    application.refresh_from_db()
    return latest_recommendation(application)


@pytest.fixture
def walk(organisation, manager, secretariat, german_expert, french_expert):
    """``walk(level, values, ...)``: a new application of the organisation (German) assessed
    to the quality review by a national lead expert and, for GOLD, a foreign second expert."""

    def run(level, values, *, experts=None, methodology=None, validated_areas=3):
        application = _application(organisation, manager, level, methodology=methodology)
        if experts is None:
            experts = (german_expert, french_expert) if level == Level.GOLD else (german_expert,)
        recommendation = assess(
            application,
            manager=manager,
            secretariat=secretariat,
            experts=experts,
            values=values,
            validated_areas=validated_areas,
        )
        # The same facts through simulate_decision give the same result.
        simulated = simulate(input_for(application.methodology, decision_input_for(application)))
        assert simulated["level"] == _level_name(recommendation.outcome)
        assert simulated["gold_score_percent"] == str(recommendation.gold_score_pct)
        return application, recommendation

    return run


def _level_name(outcome: str) -> str | None:
    return None if outcome == Outcome.NONE else outcome.upper()


def _check(recommendation, level: str) -> dict:
    return next(c for c in recommendation.explanation["checks"] if c["level"] == level)


def _codes(recommendation, level: str) -> list[str]:
    return [reason["code"] for reason in _check(recommendation, level)["reasons"]]


def _prior_bronze(organisation, *, valid_from: datetime.date, state=LabelState.ACTIVE):
    label = factories.LabelFactory(
        organisation=organisation, level=Level.BRONZE, valid_from=valid_from, certificate=False
    )
    if state != LabelState.ACTIVE:
        type(label).objects.filter(pk=label.pk).update(state=state)
        label.refresh_from_db()
    return label


# --- 1. Full benchmarking; the requested level is a ceiling ---------------------------------


@pytest.mark.parametrize("level", [Level.BRONZE, Level.SILVER, Level.GOLD])
def test_every_application_is_a_full_benchmarking_on_every_indicator(walk, level):
    application, recommendation = walk(level, AT_THRESHOLDS)

    scored = {row["code"] for row in recommendation.explanation["indicators"]}
    assert scored == set(application.methodology.indicators.values_list("code", flat=True))
    assert application.consensus_values.count() == 5


def test_a_gold_request_that_misses_gold_is_awarded_the_bronze_it_merits(walk, secretariat):
    application, recommendation = walk(Level.GOLD, AT_THRESHOLDS)

    assert recommendation.outcome == Outcome.BRONZE
    assert _codes(recommendation, "gold") == ["gold.score_below_minimum"]
    decision.application_propose_decision(
        application=application, actor=secretariat, outcome=Outcome.BRONZE
    )
    application.refresh_from_db()
    assert (application.proposed_outcome, application.override_reason) == (Outcome.BRONZE, "")


def test_a_silver_request_that_misses_silver_is_awarded_bronze(walk):
    _application, recommendation = walk(Level.SILVER, AT_THRESHOLDS)

    assert recommendation.outcome == Outcome.BRONZE
    assert _codes(recommendation, "silver") == ["silver.no_valid_prior_bronze"]


def test_the_gold_and_the_benchmarking_score_are_both_kept(walk):
    # GOLD set at thresholds: 6 of 10 points. All five: 7 of 12 (GOV-3 at 0.5 FTE is yellow).
    _application, recommendation = walk(Level.GOLD, AT_THRESHOLDS)

    assert recommendation.gold_score_pct == Decimal("60.00")
    assert recommendation.benchmark_score_pct == Decimal("58.33")


def test_a_bronze_request_is_never_awarded_more_than_bronze(walk, organisation):
    _prior_bronze(organisation, valid_from=(TODAY - relativedelta(months=20)).date())

    _application, recommendation = walk(Level.BRONZE, TOP)

    assert recommendation.outcome == Outcome.BRONZE
    assert [c["level"] for c in recommendation.explanation["checks"]] == ["bronze"]


# --- 2. Exact thresholds ---------------------------------------------------------------------


def test_a_gold_score_of_79_99_percent_is_not_gold_and_reads_79_99(
    walk, german_expert, french_expert
):
    rounding = MethodologyVersion.objects.filter(code="test-rounding").first() or methodology_load(
        path=ROUNDING
    )

    _application, recommendation = walk(Level.GOLD, {"A": 1, "B": 0}, methodology=rounding)

    assert recommendation.gold_score_pct == Decimal("79.99")
    assert recommendation.outcome == Outcome.BRONZE
    assert _codes(recommendation, "gold") == ["gold.score_below_minimum"]


def test_a_gold_score_of_exactly_80_percent_is_gold(walk):
    # GOLD set: STR-1, STR-2 and GOV-1 green (2 each), GOV-2 yellow (1, weighing 2): 8 of 10.
    _application, recommendation = walk(Level.GOLD, {**TOP, "GOV-2": 2})

    assert recommendation.gold_score_pct == Decimal("80.00")
    assert recommendation.outcome == Outcome.GOLD


# --- 3. Every level needs the BRONZE eligibility criteria ------------------------------------


def test_gold_with_a_perfect_gold_score_but_an_eligibility_criterion_missed_gets_no_label(walk):
    # GOV-3 (0.4 FTE of dedicated staff) is outside the GOLD set: the GOLD score stays 100 %.
    _application, recommendation = walk(Level.GOLD, {**TOP, "GOV-3": Decimal("0.4")})

    assert recommendation.gold_score_pct == Decimal("100.00")
    assert recommendation.outcome == Outcome.NONE
    assert _codes(recommendation, "bronze") == ["bronze.eligibility_not_met"]
    assert "gold.bronze_not_met" in _codes(recommendation, "gold")


def test_a_gold_minimum_that_is_not_an_eligibility_criterion_keeps_silver_and_gold_only(
    walk, organisation
):
    _prior_bronze(organisation, valid_from=(TODAY - relativedelta(months=20)).date())

    _application, recommendation = walk(Level.SILVER, {**TOP, "GOV-1": 0})

    assert recommendation.outcome == Outcome.BRONZE
    assert _codes(recommendation, "silver") == ["silver.gold_minimum_not_met"]


# --- 4. GOLD experts: one national, one foreign; the team is capped --------------------------


def _accepted(organisation, manager, level):
    application = _application(organisation, manager, level)
    factories.fill_self_assessment(application)
    services.application_submit(application=application, actor=manager)
    return application


def test_gold_refuses_a_second_expert_from_the_organisations_country_naming_the_rule(
    organisation, manager, secretariat, german_expert, another_german_expert
):
    application = _accepted(organisation, manager, Level.GOLD)
    services.application_accept(application=application, actor=secretariat)
    assessment_services.assignment_create(
        application=application, expert=german_expert, role=AssignmentRole.LEAD, actor=secretariat
    )

    with pytest.raises(InvalidInput) as refused:
        assessment_services.assignment_create(
            application=application,
            expert=another_german_expert,
            role=AssignmentRole.SECOND,
            actor=secretariat,
        )

    assert "one expert from Germany and one from another country" in " ".join(refused.value.details)
    assert "already the national expert" in " ".join(refused.value.details)


def test_gold_refuses_two_foreign_experts_even_from_two_different_countries(
    organisation, manager, secretariat, french_expert
):
    application = _accepted(organisation, manager, Level.GOLD)
    services.application_accept(application=application, actor=secretariat)
    assessment_services.assignment_create(
        application=application, expert=french_expert, role=AssignmentRole.LEAD, actor=secretariat
    )
    austrian = factories.ExpertFactory(country="AT")

    with pytest.raises(InvalidInput) as refused:
        assessment_services.assignment_create(
            application=application, expert=austrian, role=AssignmentRole.SECOND, actor=secretariat
        )

    assert "already the foreign expert" in " ".join(refused.value.details)


@pytest.mark.parametrize(
    ("level", "team_size"), [(Level.GOLD, 2), (Level.BRONZE, 1), (Level.SILVER, 1)]
)
def test_a_full_team_refuses_another_scoring_expert(
    organisation, manager, secretariat, german_expert, french_expert, level, team_size
):
    application = _accepted(organisation, manager, level)
    services.application_accept(application=application, actor=secretariat)
    for index, expert in enumerate((german_expert, french_expert)[:team_size]):
        assessment_services.assignment_create(
            application=application,
            expert=expert,
            role=AssignmentRole.LEAD if index == 0 else AssignmentRole.SECOND,
            actor=secretariat,
        )

    with pytest.raises(InvalidInput) as refused:
        assessment_services.assignment_create(
            application=application,
            expert=factories.ExpertFactory(country="IT"),
            role=AssignmentRole.SECOND,
            actor=secretariat,
        )

    assert "The team is complete" in " ".join(refused.value.details)


def test_gold_without_a_national_expert_at_decision_time_is_not_gold_and_cannot_be_forced(
    walk, secretariat, french_expert
):
    # The national expert's country was corrected after the assessment: the team is no longer
    # national + foreign, and the decision checks it again.
    application = walk(Level.GOLD, TOP)[0]
    german = application.assignments.get(role=AssignmentRole.LEAD).expert
    type(german).objects.filter(pk=german.pk).update(country="FR")

    with pytest.raises(InvalidInput) as refused:
        decision.application_propose_decision(
            application=application,
            actor=secretariat,
            outcome=Outcome.GOLD,
            reason="The experts were excellent.",
        )

    assert "from the organisation's country" in " ".join(refused.value.details)
    recommendation = latest_recommendation(application)
    assert recommendation.outcome == Outcome.BRONZE
    assert _codes(recommendation, "gold") == ["gold.no_national_expert"]


# --- 5. SILVER needs a valid prior BRONZE ------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "days", "outcome"),
    [
        (18, 0, Outcome.SILVER),
        (18, -1, Outcome.BRONZE),
        (24, 0, Outcome.SILVER),
        (24, 1, Outcome.BRONZE),
        (20, 0, Outcome.SILVER),
    ],
    ids=["exactly-18-months", "a-day-short-of-18", "exactly-24-months", "a-day-past-24", "20"],
)
def test_silver_counts_a_bronze_whose_validity_started_18_to_24_months_before_to_the_day(
    walk, organisation, months, days, outcome
):
    started = (TODAY - relativedelta(months=months) - datetime.timedelta(days=days)).date()
    _prior_bronze(organisation, valid_from=started)

    _application, recommendation = walk(Level.SILVER, AT_THRESHOLDS)

    assert recommendation.outcome == outcome


@pytest.mark.parametrize(
    ("state", "outcome"),
    [
        (LabelState.REVOKED, Outcome.BRONZE),
        (LabelState.SUSPENDED, Outcome.BRONZE),
        (LabelState.EXPIRED, Outcome.SILVER),
        (LabelState.SUPERSEDED, Outcome.SILVER),
    ],
    ids=["revoked", "suspended", "expired", "superseded"],
)
def test_silver_does_not_count_a_revoked_or_suspended_bronze(walk, organisation, state, outcome):
    _prior_bronze(organisation, valid_from=(TODAY - relativedelta(months=20)).date(), state=state)

    _application, recommendation = walk(Level.SILVER, AT_THRESHOLDS)

    assert recommendation.outcome == outcome


def test_silver_does_not_count_another_organisations_bronze(walk):
    _prior_bronze(
        factories.OrganisationFactory(), valid_from=(TODAY - relativedelta(months=20)).date()
    )

    _application, recommendation = walk(Level.SILVER, AT_THRESHOLDS)

    assert recommendation.outcome == Outcome.BRONZE


def test_silver_needs_three_validated_improvement_areas(walk, organisation):
    _prior_bronze(organisation, valid_from=(TODAY - relativedelta(months=20)).date())

    _application, recommendation = walk(Level.SILVER, AT_THRESHOLDS, validated_areas=2)

    assert recommendation.outcome == Outcome.BRONZE
    assert _codes(recommendation, "silver") == ["silver.improvement_areas"]


def test_a_bronze_suspended_after_the_silver_proposal_keeps_it_from_being_confirmed(
    walk, organisation, secretariat, second_secretariat
):
    bronze = _prior_bronze(organisation, valid_from=(TODAY - relativedelta(months=20)).date())
    application, _recommendation = walk(Level.SILVER, AT_THRESHOLDS)
    decision.application_propose_decision(
        application=application, actor=secretariat, outcome=Outcome.SILVER
    )
    label_suspend(label=bronze, actor=secretariat, reason="Members left; under review.")

    application.refresh_from_db()
    with pytest.raises(InvalidInput) as refused:
        decision.application_confirm_decision(application=application, actor=second_secretariat)

    assert "needs a BRONZE label" in " ".join(refused.value.details)
    application.refresh_from_db()
    assert application.state == S.DECISION_PROPOSED


# --- 6. Bad values are field errors ------------------------------------------------------------


BAD_VALUES = [
    ("STR-1", "NaN"),
    ("STR-1", "Infinity"),
    ("STR-1", "1e400"),
    ("STR-1", -1),
    ("STR-2", 101),
    ("GOV-2", "3.5"),
    ("GOV-1", 2),
    ("GOV-3", "0.125"),
]
BAD_IDS = [
    "nan",
    "infinity",
    "1e400",
    "negative",
    "101-percent",
    "rubric-3.5",
    "yes-no-2",
    "places",
]


@pytest.mark.parametrize(("code", "value"), BAD_VALUES, ids=BAD_IDS)
def test_a_score_outside_the_indicators_type_is_a_field_error(code, value, german_expert):
    lead = factories.AssignmentFactory(
        application=factories.ApplicationFactory(state=S.IN_ASSESSMENT),
        expert=german_expert,
        status="accepted",
    )
    indicator = Indicator.objects.get(methodology=lead.application.methodology, code=code)

    with pytest.raises(InvalidInput) as refused:
        assessment_services.score_save(
            assignment=lead,
            indicator=indicator,
            actor=german_expert,
            value=value,
            justification="x",
        )

    assert refused.value.field == "value"
    assert not lead.scores.exists()


RAW_BAD_BODIES = [
    ("STR-1", '{"value": NaN, "justification": "x"}'),
    ("STR-1", '{"value": Infinity, "justification": "x"}'),
    ("STR-1", '{"value": "NaN", "justification": "x"}'),
    ("STR-1", '{"value": 1e400, "justification": "x"}'),
    ("STR-1", '{"value": -1, "justification": "x"}'),
    ("STR-2", '{"value": 101, "justification": "x"}'),
    ("GOV-2", '{"value": 3.5, "justification": "x"}'),
]
RAW_BAD_IDS = ["nan", "infinity", "nan-text", "1e400", "negative", "101-percent", "rubric-3.5"]


@pytest.mark.parametrize(("code", "body"), RAW_BAD_BODIES, ids=RAW_BAD_IDS)
def test_a_score_outside_the_indicators_type_is_a_problem_400_on_the_api(
    client, code, body, german_expert
):
    lead = factories.AssignmentFactory(
        application=factories.ApplicationFactory(state=S.IN_ASSESSMENT),
        expert=german_expert,
        status="accepted",
    )
    client.force_login(german_expert)

    response = client.put(
        reverse("api_score", args=[lead.pk, code]), body, content_type="application/json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert not lead.scores.exists()


# --- 7. Overrides --------------------------------------------------------------------------------


def test_lowering_the_rules_level_needs_a_written_reason(walk, secretariat):
    application, _recommendation = walk(Level.BRONZE, AT_THRESHOLDS)

    with pytest.raises(InvalidInput, match="needs a written reason"):
        decision.application_propose_decision(
            application=application, actor=secretariat, outcome=Outcome.NONE
        )
    decision.application_propose_decision(
        application=application,
        actor=secretariat,
        outcome=Outcome.NONE,
        reason="The member list was found to be forged after the interview.",
    )

    application.refresh_from_db()
    assert application.proposed_outcome == Outcome.NONE
    assert application.override_reason.startswith("The member list")


def test_raising_gold_over_a_missed_score_needs_a_reason_and_is_allowed_when_the_facts_hold(
    walk, secretariat
):
    application, _recommendation = walk(Level.GOLD, AT_THRESHOLDS)

    with pytest.raises(InvalidInput, match="needs a written reason"):
        decision.application_propose_decision(
            application=application, actor=secretariat, outcome=Outcome.GOLD
        )
    decision.application_propose_decision(
        application=application,
        actor=secretariat,
        outcome=Outcome.GOLD,
        reason="The approving group weighs the financing indicators differently this year.",
    )

    application.refresh_from_db()
    assert (application.proposed_outcome, application.recommended_outcome) == (
        Outcome.GOLD,
        Outcome.BRONZE,
    )


def test_raising_to_silver_without_a_valid_prior_bronze_is_refused_even_with_a_reason(
    walk, secretariat
):
    application, _recommendation = walk(Level.SILVER, AT_THRESHOLDS)

    with pytest.raises(InvalidInput) as refused:
        decision.application_propose_decision(
            application=application,
            actor=secretariat,
            outcome=Outcome.SILVER,
            reason="The BRONZE benchmarking of 2024 was held under the previous scheme.",
        )

    assert "needs a BRONZE label" in " ".join(refused.value.details)
    application.refresh_from_db()
    assert application.state == S.QUALITY_REVIEW


def test_raising_to_a_label_without_the_eligibility_criteria_is_refused(walk, secretariat):
    application, recommendation = walk(Level.BRONZE, {**AT_THRESHOLDS, "STR-1": 12})
    assert recommendation.outcome == Outcome.NONE

    with pytest.raises(InvalidInput) as refused:
        decision.application_propose_decision(
            application=application,
            actor=secretariat,
            outcome=Outcome.BRONZE,
            reason="Three members are about to sign.",
        )

    assert "eligibility criterion STR-1 not met" in " ".join(refused.value.details)


def test_no_label_above_the_requested_level_is_awarded(walk, secretariat):
    application, _recommendation = walk(Level.BRONZE, TOP)

    with pytest.raises(InvalidInput, match="no higher label"):
        decision.application_propose_decision(
            application=application,
            actor=secretariat,
            outcome=Outcome.GOLD,
            reason="Clearly excellent.",
        )


def test_following_the_rules_through_to_the_certificate_awards_the_fallback_level(
    walk, secretariat, second_secretariat, no_rendering
):
    application, _recommendation = walk(Level.GOLD, AT_THRESHOLDS)
    decision.application_propose_decision(
        application=application, actor=secretariat, outcome=Outcome.BRONZE
    )
    decision.application_confirm_decision(application=application, actor=second_secretariat)
    report_services.label_issue(application=application, actor=secretariat)

    application.refresh_from_db()
    assert (application.level, application.decided_outcome, application.label.level) == (
        Level.GOLD,
        Outcome.BRONZE,
        Level.BRONZE,
    )


def test_a_revoked_label_is_never_a_prior_bronze(walk, organisation, secretariat):
    bronze = _prior_bronze(organisation, valid_from=(TODAY - relativedelta(months=20)).date())
    label_revoke(label=bronze, actor=secretariat, reason="Forged member list.")

    _application, recommendation = walk(Level.SILVER, TOP)

    assert recommendation.outcome == Outcome.BRONZE


# --- The same rules through manage.py simulate_decision ---------------------------------------


def _simulated(level, values, *, experts=("DE", "FR"), prior=(), areas=3, methodology=None):
    """What ``simulate_decision`` says for a German organisation assessed on TODAY."""
    data = {
        "methodology": methodology or "test-small:1",
        "requested_level": level.upper(),
        "assessment_date": TODAY.date().isoformat(),
        "organisation_country": "DE",
        "expert_countries": list(experts),
        "improvement_areas_validated": areas,
        "prior_labels": [
            {"level": "BRONZE", "valid_from": started.isoformat(), "state": state}
            for started, state in prior
        ],
        "values": {code: str(value) for code, value in values.items()},
    }
    out = StringIO()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(data, handle)
    call_command("simulate_decision", handle.name, stdout=out)
    Path(handle.name).unlink()
    return json.loads(out.getvalue())["level"]


def _months_before(months: int, days: int = 0) -> datetime.date:
    return (TODAY - relativedelta(months=months) - datetime.timedelta(days=days)).date()


SIMULATED_CASES = [
    ("gold", AT_THRESHOLDS, {}, "BRONZE"),
    ("silver", AT_THRESHOLDS, {}, "BRONZE"),
    ("gold", {**TOP, "GOV-2": 2}, {}, "GOLD"),
    ("gold", {"A": 1, "B": 0}, {"methodology": "test-rounding:1"}, "BRONZE"),
    ("gold", {**TOP, "GOV-3": Decimal("0.4")}, {}, None),
    ("gold", TOP, {"experts": ("DE", "DE")}, "BRONZE"),
    ("gold", TOP, {"experts": ("FR", "AT")}, "BRONZE"),
    ("silver", AT_THRESHOLDS, {"prior": [(_months_before(18), "active")]}, "SILVER"),
    ("silver", AT_THRESHOLDS, {"prior": [(_months_before(18, -1), "active")]}, "BRONZE"),
    ("silver", AT_THRESHOLDS, {"prior": [(_months_before(24), "expired")]}, "SILVER"),
    ("silver", AT_THRESHOLDS, {"prior": [(_months_before(24, 1), "active")]}, "BRONZE"),
    ("silver", AT_THRESHOLDS, {"prior": [(_months_before(20), "revoked")]}, "BRONZE"),
    ("silver", AT_THRESHOLDS, {"prior": [(_months_before(20), "suspended")]}, "BRONZE"),
    ("silver", AT_THRESHOLDS, {"prior": [(_months_before(20), "active")], "areas": 2}, "BRONZE"),
    ("bronze", {**AT_THRESHOLDS, "STR-1": 12}, {}, None),
]
SIMULATED_IDS = [
    "gold-falls-back-to-bronze", "silver-falls-back-to-bronze", "exactly-80-percent-is-gold",
    "79.99-percent-is-not-gold", "eligibility-missed-no-label", "two-national-experts",
    "two-foreign-experts", "bronze-exactly-18-months", "bronze-a-day-short-of-18",
    "expired-bronze-exactly-24-months", "bronze-a-day-past-24", "revoked-bronze",
    "suspended-bronze", "two-improvement-areas", "bronze-eligibility-missed",
]  # fmt: skip


@pytest.mark.parametrize(
    ("level", "values", "facts", "expected"), SIMULATED_CASES, ids=SIMULATED_IDS
)
def test_simulate_decision_applies_the_same_rules(level, values, facts, expected, db):
    factories.small_methodology()
    if not MethodologyVersion.objects.filter(code="test-rounding").exists():
        methodology_load(path=ROUNDING)

    assert _simulated(level, values, **facts) == expected
