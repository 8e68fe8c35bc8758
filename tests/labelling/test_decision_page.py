"""The decision page shows the rules' recommendation, indicator by indicator.

The small test methodology (tests/fixtures/methodology-small.yaml) has 5 indicators, 4 of them
in the GOLD set; STR-1 is a BRONZE eligibility criterion and a GOLD minimum requirement, GOV-3
(outside the GOLD set) only the former, GOV-1 only the latter.
"""

import re
from decimal import Decimal

import pytest

from labelling.models import ApplicationState, Level, Outcome
from labelling.services import application_create
from reports.demo import walk_application
from tests import factories


@pytest.fixture
def in_quality_review(organisation, manager, crew):
    """An application of ``level`` walked to quality review with values that lead the rules to
    ``outcome`` (see ``reports.demo.demo_values``)."""

    def build(level: str, outcome: str):
        factories.small_methodology()
        application = application_create(organisation=organisation, level=level, actor=manager)
        return walk_application(
            application, to=ApplicationState.QUALITY_REVIEW, crew=crew(level), outcome=outcome
        )

    return build


def _page(client, user, application, language: str = "en") -> str:
    user.language = language
    user.save(update_fields=["language"])
    client.force_login(user)
    return client.get(f"/applications/{application.pk}/").content.decode()


def _below_request(page: str) -> str:
    """The sentence at the top that says the recommendation is lower than the request."""
    match = re.search(r'<p class="warning" id="below-request"[^>]*>(.*?)</p>', page, re.S)
    assert match, "the page does not say that the recommendation is below the request"
    return match.group(0)


def _indicator_row(page: str, code: str) -> str:
    match = re.search(rf'<tr class="[^"]*" data-code="{code}">.*?</tr>', page, re.S)
    assert match, code
    return match.group(0)


def test_decision_page_explains_the_recommendation_to_the_secretariat(
    client, in_quality_review, secretariat
):
    application = in_quality_review(Level.BRONZE, Outcome.NONE)

    page = _page(client, secretariat, application)

    assert "The rules' recommendation" in page
    assert "No label" in page
    assert "eligibility criterion STR-1 not met (0.00 is below the threshold 15.00)" in page
    assert 'class="failed eligibility gold-minimum" data-code="STR-1"' in page


def test_decision_page_says_the_rules_award_no_label_for_the_level_requested(
    client, in_quality_review, secretariat
):
    application = in_quality_review(Level.BRONZE, Outcome.NONE)

    sentence = _below_request(_page(client, secretariat, application))

    assert "Requested BRONZE; the rules award no label: " in sentence
    assert 'data-code="bronze.eligibility_not_met"' in sentence


def test_decision_page_shows_the_gold_and_the_benchmarking_score(
    client, in_quality_review, secretariat
):
    # STR-1 raised to its top band, the rest at the threshold: 7 of 10 weighted points on the
    # GOLD set, 8 of 12 on all indicators, i.e. 66.666... % rounded down, never up.
    application = in_quality_review(Level.GOLD, Outcome.BRONZE)

    page = _page(client, secretariat, application)

    assert (
        "<strong>GOLD score</strong>: 70.00 % of the maximum on the 4 indicators of the GOLD set"
        in page
    )
    assert "<strong>Benchmarking score</strong>: 66.66 % of the maximum on all 5 indicators" in page


def test_decision_page_explains_a_gold_request_the_rules_decide_bronze(
    client, in_quality_review, secretariat
):
    application = in_quality_review(Level.GOLD, Outcome.BRONZE)

    sentence = _below_request(_page(client, secretariat, application))

    assert "Requested GOLD; the rules award BRONZE: " in sentence
    assert (
        '<span class="reason" data-code="gold.score_below_minimum">'
        "GOLD score 70.00 % is below 80.00 %</span>."
    ) in sentence


def test_decision_page_in_german_explains_a_gold_request_the_rules_decide_bronze(
    client, in_quality_review, secretariat
):
    # The wording waits for the German catalogue; the structure, the rule and the numbers,
    # localised, are there already.
    application = in_quality_review(Level.GOLD, Outcome.BRONZE)

    page = _page(client, secretariat, application, language="de")

    sentence = _below_request(page)
    assert 'data-requested="gold" data-recommended="bronze"' in sentence
    assert re.search(r'data-code="gold.score_below_minimum">[^<]*70,00[^<]*80,00', sentence)
    assert re.search(r'id="gold-score">.*70,00 %', page)
    assert re.search(r'id="benchmark-score">.*66,66 %', page)


def test_decision_page_does_not_warn_when_the_rules_award_the_level_requested(
    client, in_quality_review, secretariat
):
    application = in_quality_review(Level.GOLD, Outcome.GOLD)

    page = _page(client, secretariat, application)

    assert 'id="below-request"' not in page
    assert "<strong>GOLD score</strong>: 100.00 %" in page


@pytest.mark.parametrize(
    ("code", "eligibility", "gold_minimum", "gold_set"),
    [
        ("STR-1", True, True, True),
        ("STR-2", False, False, True),
        ("GOV-1", False, True, True),
        ("GOV-3", True, False, False),
    ],
    ids=["both", "neither", "gold-minimum", "eligibility-outside-gold-set"],
)
def test_decision_page_marks_eligibility_criteria_gold_minimums_and_the_gold_set(
    client, in_quality_review, secretariat, code, eligibility, gold_minimum, gold_set
):
    application = in_quality_review(Level.GOLD, Outcome.BRONZE)

    row = _indicator_row(_page(client, secretariat, application), code)

    assert ('<abbr title="BRONZE eligibility criterion">E</abbr>' in row) is eligibility
    assert ('<abbr title="GOLD minimum requirement">GM</abbr>' in row) is gold_minimum
    assert ('<abbr title="in the GOLD set">G</abbr>' in row) is gold_set


def test_manager_does_not_see_the_recommendation_before_the_decision(
    client, in_quality_review, manager
):
    application = in_quality_review(Level.BRONZE, Outcome.NONE)

    page = _page(client, manager, application)

    assert "recommendation" not in page


def test_decision_page_in_german_shows_the_reasons_with_localised_numbers(
    client, in_quality_review, secretariat
):
    application = in_quality_review(Level.BRONZE, Outcome.NONE)

    page = _page(client, secretariat, application, language="de")

    assert "Die Empfehlung der Regeln" in page
    assert re.search(
        r'data-code="bronze.eligibility_not_met">[^<]*STR-1[^<]*0,00[^<]*15,00[^<]*</span>', page
    )
    assert "<td>15,00</td>" in page  # STR-1's threshold in the indicator table


def test_decision_page_shows_an_explanation_stored_before_the_two_scores(
    client, organisation, manager, secretariat
):
    """An explanation kept before issue 13: plain-text reasons, one ``minimum_requirement``
    flag, one ``score_pct``, no GOLD set per row and no benchmarking score."""
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=ApplicationState.QUALITY_REVIEW
    )
    application.recommendations.update(
        gold_score_pct=Decimal("55.00"),
        benchmark_score_pct=None,
        explanation={
            "level": "none",
            "score_pct": "55.0",
            "checks": [
                {"level": "bronze", "met": False, "reasons": ["no value for STR-2"]},
            ],
            "indicators": [
                {
                    "code": "STR-2",
                    "value": None,
                    "threshold": "30.00",
                    "light": "red",
                    "points": 0,
                    "max_points": 2,
                    "minimum_requirement": True,
                    "passed": False,
                    "reason": "no value",
                }
            ],
        },
    )

    page = _page(client, secretariat, application)

    assert "not met — <span" in page
    assert "no value for STR-2" in page
    assert "✗ no value" in page
    assert '<abbr title="minimum requirement">MR</abbr>' in page
    assert "<strong>GOLD score</strong>: 55.00 %" in page
    assert 'id="benchmark-score"' not in page


def _outcome_options(page: str) -> list[str]:
    select = re.search(r'<select name="outcome".*?</select>', page, re.S)
    assert select, "the page has no decision form"
    return re.findall(r'<option value="(\w+)"( selected)?>', select.group(0))


def test_decision_form_starts_from_the_recommended_level(client, in_quality_review, secretariat):
    application = in_quality_review(Level.GOLD, Outcome.BRONZE)

    options = _outcome_options(_page(client, secretariat, application))

    # SILVER is left out: the organisation holds no prior BRONZE label.
    assert options == [("gold", ""), ("bronze", " selected"), ("none", "")]


def test_decision_form_leaves_out_a_level_the_facts_rule_out_and_says_why(
    client, in_quality_review, secretariat
):
    application = in_quality_review(Level.BRONZE, Outcome.NONE)

    page = _page(client, secretariat, application)

    assert _outcome_options(page) == [("none", " selected")]
    refused = page[page.index('id="refused-outcomes"') :]
    assert (
        '<li data-level="bronze"><strong>BRONZE</strong>: '
        "eligibility criterion STR-1 not met (0.00 is below the threshold 15.00)</li>"
    ) in refused


def test_a_refused_proposal_is_explained_beside_the_form_with_the_reason_kept(
    client, in_quality_review, secretariat
):
    application = in_quality_review(Level.BRONZE, Outcome.NONE)
    client.force_login(secretariat)

    response = client.post(
        f"/applications/{application.pk}/actions/propose_decision/",
        {"outcome": Outcome.BRONZE, "reason": "Strong regional role"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    refused = page[page.index('id="refused-propose_decision"') :]
    assert "BRONZE cannot be awarded: the scheme&#x27;s rules require facts" in refused
    assert "eligibility criterion STR-1 not met" in refused
    assert ">Strong regional role</textarea>" in refused
    application.refresh_from_db()
    assert application.state == ApplicationState.QUALITY_REVIEW
