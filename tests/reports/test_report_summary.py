"""The report's first page is its summary (level, score, chart, strengths, improvement areas)
and the details follow from the second page, in English and German; the wording the "UX pass"
issue asked for reads right in the PDF.

One report is rendered per language for the whole module. The German expectations are the
catalogue's translations.
"""

from decimal import Decimal

import pytest

from reports.pdf.render import html_to_pdf, report_html
from tests.reports.samples import dimensions, indicator, pdf_pages, report_data

CONSENSUS_NOTE = "STR-2 Indicator STR-2: counted again on site; the experts settled on 12.5."
EXPECTED = {
    "en": {
        "summary": "Summary",
        "strengths": "Strengths",
        "improvements": "Improvement areas",
        "outcome": "GOLD 87.50 %",
        "strength": "SRV Services 100.00 %",
        "improvement": "STR-2 Indicator STR-2 threshold not met",
        "result": "Result",
        "met": "meets the threshold",
        "missed": "12.50 is below the threshold 15.00",
        "gold_set": "of the maximum on the 1 indicator of the GOLD set",
        "expert": "Expert Anna Schmidt (DE)",
        "no_benchmark": "Fewer than 5 labelled peers: no benchmark.",
        "peer_median": "Peer median",
        "one_peer": "Median score of 1 labelled organisation per dimension",
    },
    "de": {
        "summary": "Zusammenfassung",
        "strengths": "Stärken",
        "improvements": "Verbesserungsbereiche",
        "outcome": "GOLD 87,50 %",
        "strength": "SRV Services 100,00 %",
        "improvement": "STR-2 Indicator STR-2 Schwellenwert nicht erreicht",
        "result": "Ergebnis",
        "met": "erreicht den Schwellenwert",
        "missed": "12,50 liegt unter dem Schwellenwert 15,00",
        "gold_set": "des Maximums auf dem 1 Indikator des GOLD-Sets",
        "expert": "Gutachter Anna Schmidt (DE)",
        "no_benchmark": "Weniger als 5 gelabelte Vergleichscluster: kein Vergleich.",
        "peer_median": "Median der Vergleichscluster",
        "one_peer": "Median-Punktzahl von 1 gelabelten Organisation je Dimension",
    },
}
# The engine's reasons, as the services hand them over already translated.
REASONS = {
    "en": ("60.00 meets the threshold 15.00", "12.50 is below the threshold 15.00"),
    "de": ("60,00 erreicht den Schwellenwert 15,00", "12,50 liegt unter dem Schwellenwert 15,00"),
}


def _summary_report(language: str, **overrides):
    """A GOLD report with one indicator in the GOLD set, one expert, a missed threshold, a met
    one whose reason the engine gave too, a consensus note and too few peers for a benchmark."""
    met, missed = REASONS[language]
    values = {
        "language": language,
        "dimensions": dimensions(with_medians=False),
        "peer_count": 0,
        "experts": ["Anna Schmidt (DE)"],
        "indicators": [
            indicator("STR-1", "STR", validated=Decimal(60), reason=met, bronze_eligibility=True),
            indicator(
                "STR-2",
                "STR",
                validated=Decimal("12.5"),
                light="red",
                passed=False,
                reason=missed,
                in_gold_set=False,
            ),
            indicator("FIN-1", "FIN", unit="%", light="yellow", in_gold_set=False),
        ],
        "recommendations": [CONSENSUS_NOTE],
    }
    return report_data(**(values | overrides))


@pytest.fixture(scope="module", params=["en", "de"])
def report(request) -> tuple[dict[str, str], list[str]]:
    """What to expect in the language, and the text of each page of the report in it."""
    pdf = html_to_pdf(report_html(_summary_report(request.param)))
    return EXPECTED[request.param], pdf_pages(pdf)


@pytest.mark.parametrize(
    "key",
    ["summary", "outcome", "strengths", "strength", "improvements", "improvement"],
    ids=["heading", "level-and-score", "strengths", "best-dimension", "improvements", "missed"],
)
def test_report_summary_is_on_the_first_page(report, key):
    expected, pages = report

    assert expected[key] in pages[0]


def test_report_details_start_on_the_second_page(report):
    expected, pages = report

    assert expected["result"] not in pages[0]
    assert expected["result"] in pages[1]


def test_report_gives_the_reason_of_a_missed_threshold_only(report):
    expected, pages = report
    text = " ".join(pages)

    assert expected["missed"] in text
    assert expected["met"] not in text.replace(expected["missed"], "")


def test_report_words_one_indicator_of_the_gold_set_and_one_expert_in_the_singular(report):
    expected, pages = report
    text = " ".join(pages)

    assert expected["gold_set"] in text
    assert expected["expert"] in pages[0]


def test_report_shows_the_consensus_note_once(report):
    _, pages = report

    assert " ".join(pages).count(CONSENSUS_NOTE) == 1


def test_report_with_too_few_peers_names_the_minimum_instead_of_a_benchmark(report):
    expected, pages = report
    text = " ".join(pages)

    assert expected["no_benchmark"] in text
    assert expected["peer_median"] not in text


@pytest.mark.parametrize("language", ["en", "de"])
def test_report_benchmark_of_one_peer_is_in_the_singular(language):
    html = report_html(_summary_report(language, dimensions=dimensions(), peer_count=1))

    assert EXPECTED[language]["one_peer"] in " ".join(html.split())


def test_report_summary_counts_the_improvement_areas_the_expert_validated():
    data = _summary_report("en", improvement_areas_declared=4, improvement_areas_validated=3)

    html = report_html(data)

    assert "Improvement areas described since the BRONZE label: 3 of 4 validated" in html


def test_report_summary_without_improvement_areas_does_not_mention_them():
    html = report_html(_summary_report("en"))

    assert "Improvement areas described" not in html
