"""The peer benchmark rule (a median per dimension only with enough labelled peers) and the
strengths and improvement areas the report's summary names."""

from decimal import Decimal

import pytest

from reports.pdf.data import DimensionResult, Highlight, peer_medians, summary_highlights
from tests.reports.samples import dimensions, indicator, report_data


def _scores(*values: str) -> list[Decimal]:
    return [Decimal(value) for value in values]


def test_peer_medians_needs_at_least_five_peers():
    medians = peer_medians(
        {"STR": _scores("60", "70", "80", "90", "100"), "FIN": _scores("60", "70", "80", "90")}
    )

    assert medians == {"STR": Decimal("80.0"), "FIN": None}


@pytest.mark.parametrize(
    ("scores", "median"),
    [
        (("10", "20", "30", "40", "50", "60"), "35.0"),
        (("70.25", "70.25", "70.3", "90", "95"), "70.3"),
        (("81.25", "81.25", "81.35", "81.35", "99", "1"), "81.3"),
    ],
    ids=["even-count-takes-the-mean", "odd-count-takes-the-middle", "rounds-half-up"],
)
def test_peer_medians_value(scores, median):
    assert peer_medians({"STR": _scores(*scores)}) == {"STR": Decimal(median)}


def test_peer_medians_minimum_can_be_raised():
    assert peer_medians({"STR": _scores("1", "2", "3", "4", "5")}, minimum=6) == {"STR": None}


def test_report_has_a_benchmark_when_a_dimension_has_a_median():
    assert report_data().has_benchmark


def test_report_has_no_benchmark_without_medians():
    assert not report_data(dimensions=dimensions(with_medians=False), peer_count=4).has_benchmark


def _dimension(code: str, score: str | None) -> DimensionResult:
    return DimensionResult(code, f"Dimension {code}", None if score is None else Decimal(score))


def _scored(*scores: tuple[str, str | None], **overrides):
    """A report of the given dimension scores whose indicators all met their threshold."""
    values = {
        "dimensions": [_dimension(code, score) for code, score in scores],
        "indicators": [indicator("STR-1", "STR")],
    }
    return report_data(**(values | overrides))


def _codes(highlights) -> list[str]:
    return [highlight.code for highlight in highlights]


def test_summary_names_the_three_best_dimensions_as_strengths_best_first():
    data = _scored(("STR", "70"), ("GOV", "95"), ("FIN", "40"), ("SRV", "88"), ("ACH", "90"))

    strengths = summary_highlights(data).strengths

    assert _codes(strengths) == ["GOV", "ACH", "SRV"]
    assert strengths[0] == Highlight("GOV", "Dimension GOV", score_pct=Decimal("95"))


def test_summary_keeps_the_reports_order_between_equal_scores():
    data = _scored(("STR", "80"), ("GOV", "90"), ("FIN", "80"), ("SRV", "80"), ("ACH", "10"))

    highlights = summary_highlights(data)

    assert _codes(highlights.strengths) == ["GOV", "STR", "FIN"]
    assert _codes(highlights.improvements) == ["ACH", "SRV"]


def test_summary_names_the_weakest_dimensions_that_are_not_strengths_lowest_first():
    data = _scored(
        ("STR", "70"), ("GOV", "95"), ("FIN", "40"), ("SRV", "88"), ("ACH", "90"), ("COO", "20")
    )

    improvements = summary_highlights(data).improvements

    assert _codes(improvements) == ["COO", "FIN", "STR"]
    assert not any(item.failed for item in improvements)


def test_summary_names_missed_thresholds_before_weak_dimensions_needed_ones_and_red_first():
    data = _scored(
        ("STR", "50"),
        ("GOV", "60"),
        ("FIN", "70"),
        ("SRV", "10"),
        indicators=[
            indicator("STR-1", "STR", passed=False, light="yellow"),
            indicator("STR-2", "STR"),
            indicator("GOV-1", "GOV", passed=False, light="red"),
            indicator("GOV-2", "GOV", passed=False, light="yellow", gold_minimum=True),
        ],
    )

    improvements = summary_highlights(data).improvements

    assert _codes(improvements) == ["GOV-2", "GOV-1", "STR-1"]
    assert [(item.failed, item.minimum) for item in improvements] == [
        (True, True),
        (True, False),
        (True, False),
    ]


def test_summary_counts_a_gold_minimum_as_needed_only_for_silver_and_gold():
    data = _scored(
        ("STR", "50"),
        requested_level="bronze",
        indicators=[
            indicator("STR-1", "STR", passed=False, light="red"),
            indicator("STR-2", "STR", passed=False, light="red", gold_minimum=True),
            indicator("STR-3", "STR", passed=False, light="red", bronze_eligibility=True),
        ],
    )

    improvements = summary_highlights(data).improvements

    assert [(item.code, item.minimum) for item in improvements] == [
        ("STR-3", True),
        ("STR-1", False),
        ("STR-2", False),
    ]


def test_summary_with_few_dimensions_names_fewer_items():
    data = _scored(("STR", "80"), ("GOV", "60"))

    highlights = summary_highlights(data)

    assert _codes(highlights.strengths) == ["STR", "GOV"]
    assert highlights.improvements == []


def test_summary_names_no_dimension_without_a_score_or_at_zero_as_a_strength():
    data = _scored(("STR", None), ("GOV", "0"), ("FIN", "30"))

    highlights = summary_highlights(data)

    assert _codes(highlights.strengths) == ["FIN"]
    assert _codes(highlights.improvements) == ["GOV"]


def test_summary_of_a_report_without_a_label_names_what_kept_it_from_one():
    data = _scored(
        ("STR", "30"),
        ("GOV", "20"),
        ("FIN", "10"),
        ("SRV", "5"),
        level="",
        level_label="",
        requested_level="bronze",
        indicators=[indicator("STR-1", "STR", passed=False, light="red", bronze_eligibility=True)],
    )

    highlights = summary_highlights(data)

    assert _codes(highlights.strengths) == ["STR", "GOV", "FIN"]
    assert _codes(highlights.improvements) == ["STR-1", "SRV"]
    assert highlights.improvements[0].minimum
