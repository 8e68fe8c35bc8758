"""The peer benchmark rule: a median per dimension only with enough labelled peers."""

from decimal import Decimal

import pytest

from reports.pdf.data import peer_medians
from tests.reports.samples import dimensions, report_data


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
