"""The per-dimension chart: one bar per dimension, the peer median where known, safe labels."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from reports.pdf.charts import BAR_AREA, dimension_chart_svg
from reports.pdf.data import DimensionResult
from tests.reports.samples import DIMENSIONS, dimensions

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_chart_has_one_bar_per_dimension():
    root = _parse(dimension_chart_svg(dimensions()))

    bars = root.findall(f".//{SVG}rect[@class='bar']")

    assert [bar.get("data-dimension") for bar in bars] == [code for code, *_ in DIMENSIONS]


def test_chart_bar_length_is_the_score_share_of_the_axis():
    root = _parse(dimension_chart_svg([DimensionResult("FIN", "Financing", Decimal("62.5"))]))

    bar = root.find(f".//{SVG}rect[@class='bar']")

    assert float(bar.get("width")) == BAR_AREA * 0.625


def test_chart_marks_the_peer_median_only_where_known():
    root = _parse(dimension_chart_svg(dimensions()))

    medians = root.findall(f".//{SVG}path[@class='peer-median']")

    assert len(medians) == sum(1 for *_, median in DIMENSIONS if median is not None)


def test_chart_without_medians_has_no_median_legend():
    svg = dimension_chart_svg(dimensions(with_medians=False))

    assert "peer-median" not in svg
    assert "Median of labelled peers" not in svg


def test_chart_shows_an_unscored_dimension_as_an_empty_bar():
    root = _parse(dimension_chart_svg([DimensionResult("ACH", "Achievements", None)]))

    assert root.find(f".//{SVG}rect[@class='bar']").get("width") == "0"


def test_chart_escapes_titles():
    title = 'R&D <script>alert("x")</script>'
    svg = dimension_chart_svg([DimensionResult("R&D", title, Decimal(50))])

    texts = [text.text for text in _parse(svg).iter(f"{SVG}text")]

    assert f"R&D  {title}" in texts
    assert "<script>" not in svg
