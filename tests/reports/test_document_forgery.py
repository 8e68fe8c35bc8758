"""No text an organisation or an expert typed can change what a certificate or report says.

Every field of a document that comes from a person (the organisation's names and region, the
experts' names, their notes and recommendations, a decision's departure reason) is fuzzed with
CSS and HTML metacharacters, control characters, bidirectional overrides, ``url(file:…)`` and
very long strings. Each document is rendered and read back (``pdftotext``), and compared with
the same document whose fields hold a plain placeholder: the fixed text (level, number,
validity, dates, scores, headings) is the same, the pages are as many, the stylesheet is the
same byte for byte (no user text in CSS), and the renderer asked for no file at all.

``make test`` runs a few examples per document; ``make fuzz`` runs many
(``DOCUMENT_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import tempfile
import unicodedata
from functools import cache

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reports.pdf.render import (
    BundledFilesFetcher,
    certificate_html,
    html_to_pdf,
    printable,
    report_html,
    running_title,
)
from tests.reports.samples import certificate_data, report_data

EXAMPLES = settings(
    max_examples=int(os.environ.get("DOCUMENT_FUZZ_EXAMPLES", "6")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    # A rendering takes a second: shrinking a failure would take many minutes, and the
    # example as found already shows what broke.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
PLACEHOLDER = "Placeholdertext"
ATTACKS = [
    '"',
    "'",
    "\\",
    "\f",
    "\r",
    "\r\n",
    "\x00",
    "\x0b",
    "\x85",
    "}",
    "{",
    ";",
    "*/",
    "/*",
    "</style>",
    "</p><h1>GOLD</h1>",
    "<script>alert(1)</script>",
    '@page { @top-left { content: "GOLD" } }',
    '"; } @page :first { @top-left { content: "GOLD" } } .x { content: "',
    "\f} @page { size: 1mm } .badge { display: none } {",
    "url(file:///dev/zero)",
    "url(file:///etc/passwd)",
    '<img src="file:///dev/zero">',
    '<link rel="stylesheet" href="file:///etc/passwd">',
    "<style>*{display:none}</style>",
    "\u202eDLOG",
    "\u202d",
    "\u2066",
    "\u2069",
    "\u200f",
    "\u200e",
    "&amp;",
    "&lt;b&gt;",
    "<!--",
    "-->",
    "]]>",
    "GOLD",
]
# Letters DejaVu draws, so that reading the PDF back gives the same characters.
LETTERS = st.characters(min_codepoint=0x20, max_codepoint=0x17F, exclude_characters="\u00ad")
PIECE = st.one_of(st.sampled_from(ATTACKS), st.text(alphabet=LETTERS, min_size=1, max_size=12))
# Between two markers, so that taking the value out of the text read back cannot take out a
# piece of the fixed text that happens to be equal (a lone "0", "GOLD").
NASTY = st.lists(PIECE, min_size=1, max_size=10).map(lambda pieces: "Zq" + "".join(pieces) + "qZ")


def bounded(limit: int) -> st.SearchStrategy[str]:
    """Nasty text of at most ``limit`` characters (a model field's ``max_length``); with a
    long one now and then, repeated up to the limit."""
    long = NASTY.map(lambda text: (text * (limit // len(text) + 1))[: limit - 2] + "qZ")
    return st.one_of(NASTY.map(lambda text: text[: limit - 2] + "qZ"), long)


def _squash(text: str) -> str:
    """``text`` without white space, and without the invisible marks (LRM, RLM) that reading a
    PDF back drops."""
    return "".join(char for char in "".join(text.split()) if unicodedata.category(char) != "Cf")


def _pages(pdf: bytes) -> list[str]:
    """The text of each page, in the order it is drawn (``-raw``: the default mode would join a
    line ending in "-" to the next without it)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        out = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", file.name, "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    return out.split("\f")[:-1]


def _style(html: str) -> str:
    return "".join(re.findall(r"<style>(.*?)</style>", html, flags=re.S))


def _without(text: str, values: list[str]) -> str:
    """``text`` (squashed) with every occurrence of ``values`` (squashed, longest first) removed."""
    text = _squash(text)
    for value in sorted({_squash(v) for v in values}, key=len, reverse=True):
        if value:
            text = text.replace(value, "")
    return text


def _render(html: str) -> tuple[bytes, list[str]]:
    fetcher = BundledFilesFetcher()
    pdf = html_to_pdf(html, fetcher=fetcher)
    return pdf, fetcher.requested


@cache
def _certificate_baseline() -> tuple[str, list[str]]:
    html = certificate_html(
        certificate_data(
            organisation_name=PLACEHOLDER, organisation_legal_name=PLACEHOLDER, region=PLACEHOLDER
        )
    )
    return html, _pages(_render(html)[0])


@cache
def _report_baseline() -> tuple[str, list[str]]:
    html = report_html(_report(PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER))
    return html, _pages(_render(html)[0])


def _report(name: str, legal: str, region: str, expert: str, note: str):
    return report_data(
        organisation_name=name,
        organisation_legal_name=legal,
        region=region,
        experts=[expert, "Jean Dupont (FR)"],
        recommendations=[note],
    )


def _shown(value: str) -> list[str]:
    """The ways ``value`` may be shown: as stored (control characters as spaces) and shortened
    in the report's page heading."""
    clean = printable(value)
    return [clean, running_title(clean)]


@EXAMPLES
@given(name=bounded(200), legal=bounded(250), region=bounded(5))
def test_no_organisation_text_changes_what_a_certificate_says(name, legal, region):
    html = certificate_html(
        certificate_data(organisation_name=name, organisation_legal_name=legal, region=region)
    )
    pdf, requested = _render(html)
    baseline_html, baseline_pages = _certificate_baseline()
    pages = _pages(pdf)

    assert requested == []
    assert _style(html) == _style(baseline_html)
    assert len(pages) == len(baseline_pages) == 1
    shown = [*_shown(name), *_shown(legal), *_shown(region)]
    assert _without(pages[0], shown) == _without(baseline_pages[0], [PLACEHOLDER]), shown


@EXAMPLES
@given(name=bounded(200), legal=bounded(250), region=bounded(5), expert=bounded(150))
def test_no_organisation_or_expert_text_changes_a_reports_cover_or_its_page_count(
    name, legal, region, expert
):
    html = report_html(_report(name, legal, region, expert, PLACEHOLDER))
    pdf, requested = _render(html)
    baseline_html, baseline_pages = _report_baseline()
    pages = _pages(pdf)

    assert requested == []
    assert _style(html) == _style(baseline_html)
    assert len(pages) == len(baseline_pages)
    shown = [*_shown(name), *_shown(legal), *_shown(region), *_shown(expert), PLACEHOLDER]
    # The cover holds the decision: organisation, level, score, dates, number, experts.
    assert _without(pages[0], shown) == _without(baseline_pages[0], [PLACEHOLDER]), shown
    # Every other page is the baseline's, apart from the organisation in its heading.
    for page, baseline in zip(pages[1:], baseline_pages[1:], strict=True):
        assert _without(page, shown) == _without(baseline, [PLACEHOLDER]), shown


@EXAMPLES
@given(note=bounded(5000), reason=bounded(5000))
def test_no_note_or_reason_changes_the_decision_a_report_states(note, reason):
    data = dataclasses.replace(
        _report(PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, note),
        departure_reason=reason,
    )
    html = report_html(data)
    pdf, requested = _render(html)
    baseline_html, baseline_pages = _report_baseline()
    pages = _pages(pdf)

    assert requested == []
    assert _style(html) == _style(baseline_html)
    assert len(pages) >= len(baseline_pages)
    # The cover and the result are before any note or reason, and read as the baseline's.
    assert _squash(pages[0]) == _squash(baseline_pages[0])
    assert "Labelawarded:GOLD(Provenexcellence)." in _squash(pages[1])
    # Each page's footer counts the pages that exist.
    for number, page in enumerate(pages, start=1):
        if number > 1:
            assert f"Page {number} of {len(pages)}" in page


EXPLOIT = 'Evil\f"} @page { @top-left { content: "GOLD" } } .badge { content: "GOLD" } .x{x:"'


def test_a_name_that_escaped_the_css_string_on_the_old_report_is_only_text_now():
    # On the report before, "\f" ended the CSS string of the page heading and the rest of the
    # name became rules of the signed document's stylesheet.
    html = report_html(_report(EXPLOIT, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER, PLACEHOLDER))
    pages = _pages(_render(html)[0])

    assert "Evil" not in _style(html)
    assert _style(html) == _style(_report_baseline()[0])
    shown = printable(EXPLOIT)
    assert _squash(shown) in _squash(pages[0])
    assert all(_squash(running_title(shown)) in _squash(page) for page in pages[1:])
