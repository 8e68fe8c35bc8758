"""HTML and signed PDF of certificates and reports, from the dataclasses in ``data``.

No text a person typed reaches CSS: the report's running headers are elements of the document
(``position: running()``), escaped like any other text, not CSS strings. Rendering reads the
project's own bundled files only (``BundledFilesFetcher``): no network, no ``data:`` URL and no
file outside ``PDF_RESOURCE_DIRS``, so neither a template nor anything in it can make the
worker read ``/dev/zero`` or a secret; what it refuses stops the rendering with a message that
names no path.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from decimal import Decimal
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy, pgettext
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from reports.pdf.charts import dimension_chart_svg, format_pct
from reports.pdf.data import (
    PEER_MINIMUM,
    CertificateData,
    IndicatorRow,
    ReportData,
    summary_highlights,
)
from reports.pdf.errors import PdfRenderingError
from reports.pdf.qr import qr_svg
from reports.pdf.signing import sign_pdf

LEVEL_COLOURS = {"gold": "#C9A227", "silver": "#A7A9AC", "bronze": "#B0703C"}
NO_LEVEL_COLOUR = "#6B7280"
# Text on a level's colour: white on gold or silver reads at under 3:1, dark ink at about 7:1.
DARK_INK, LIGHT_INK = "#1F2933", "#FFFFFF"
LEVEL_TAGLINES = {
    "gold": gettext_lazy("Proven excellence"),
    "silver": gettext_lazy("Dedicated to excellence"),
    "bronze": gettext_lazy("Striving for excellence"),
}
LIGHT_LABELS = {
    "green": gettext_lazy("green"),
    "yellow": gettext_lazy("yellow"),
    "red": gettext_lazy("red"),
}
RUBRIC_MAXIMUM = 3


#: Control characters (a form feed, a carriage return …), and the bidirectional marks,
#: overrides and isolates, which could make text read in another order than it is stored.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(value):
    """``value`` (a document's data) with every string's control characters made spaces and
    its bidirectional overrides removed, however deep in the dataclasses it is."""
    if isinstance(value, str):
        return UNPRINTABLE.sub(lambda match: " " if match[0] <= "\x9f" else "", value)
    if isinstance(value, list | tuple):
        return type(value)(printable(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            field.name: printable(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.init
        }
        return dataclasses.replace(value, **changes)
    return value


def certificate_html(data: CertificateData) -> str:
    """The certificate as HTML, in ``data.language``; also the preview in the browser."""
    data = printable(data)
    with translation.override(data.language):
        return render_to_string("reports/certificate.html", _certificate_context(data))


def report_html(data: ReportData) -> str:
    """The assessment report as HTML, in ``data.language``; also the preview in the browser."""
    data = printable(data)
    with translation.override(data.language):
        return render_to_string("reports/report.html", _report_context(data))


def render_certificate_pdf(data: CertificateData) -> bytes:
    """The final certificate: rendered, then signed (PAdES). Store and hash these very bytes."""
    data = printable(data)
    with translation.override(data.language):
        reason = gettext("Certificate %(number)s") % {"number": data.number}
    return sign_pdf(
        html_to_pdf(certificate_html(data)),
        reason=reason,
        location=settings.CERTIFICATE_SIGNING_LOCATION,
    )


def render_report_pdf(data: ReportData) -> bytes:
    """The final assessment report: rendered, then signed (PAdES)."""
    data = printable(data)
    with translation.override(data.language):
        reason = gettext("Assessment report of %(organisation)s") % {
            "organisation": data.organisation_name
        }
    return sign_pdf(
        html_to_pdf(report_html(data)),
        reason=reason,
        location=settings.CERTIFICATE_SIGNING_LOCATION,
    )


logger = logging.getLogger(__name__)


class BundledFilesFetcher(URLFetcher):
    """WeasyPrint's fetcher limited to regular files inside ``PDF_RESOURCE_DIRS``.

    Every URL asked for is kept in ``requested`` (the tests check it). A refusal stops the
    rendering (``fail_on_errors``): a document with a hole in it must not be signed.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.roots = [os.path.realpath(directory) for directory in settings.PDF_RESOURCE_DIRS]
        self.requested: list[str] = []

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return False
        path = os.path.realpath(unquote(parts.path))
        inside = any(path.startswith(root + os.sep) for root in self.roots)
        return inside and os.path.isfile(path)

    def fetch(self, url: str, headers: dict | None = None):
        self.requested.append(url)
        if not self.allows(url):
            logger.warning("PDF rendering refused a resource outside the bundle: %r", url[:300])
            raise ValueError("not one of the bundled files")
        return super().fetch(url, headers)


def html_to_pdf(html: str, fetcher: BundledFilesFetcher | None = None) -> bytes:
    """Unsigned PDF of ``html``; relative URLs resolve against the project directory.

    Raises ``PdfRenderingError`` for a resource that is missing or not bundled. WeasyPrint's own
    error for that derives from ``BaseException``, which would slip past a worker's
    ``except Exception`` and leave the job unrecorded.
    """
    fetcher = fetcher or BundledFilesFetcher()
    document = HTML(string=html, base_url=settings.BASE_DIR.as_uri() + "/", url_fetcher=fetcher)
    try:
        return document.write_pdf()
    except FatalURLFetchingError as exc:
        raise PdfRenderingError(
            gettext("The document refers to a file that is missing or not one of its own.")
        ) from exc.__cause__


def _common_context(data: CertificateData | ReportData) -> dict:
    return {
        "data": data,
        "issuer": data.issuer_name or gettext("The labelling secretariat"),
        "level_colour": LEVEL_COLOURS.get(data.level, NO_LEVEL_COLOUR),
        "level_ink": DARK_INK if data.level in LEVEL_COLOURS else LIGHT_INK,
        "level_tagline": LEVEL_TAGLINES.get(data.level, ""),
        # Translators: Django date format of the documents; German "j. F Y" gives "1. März 2026".
        "date_format": pgettext("date format of certificates and reports", "j F Y"),
    }


def _certificate_context(data: CertificateData) -> dict:
    return {
        **_common_context(data),
        "qr_code": mark_safe(
            qr_svg(data.verify_url)
        ),  # paths only: the URL is encoded, not written
    }


def _report_context(data: ReportData) -> dict:
    dimension_titles = {dimension.code: dimension.title for dimension in data.dimensions}
    common = _common_context(data)
    return {
        **common,
        "chart": mark_safe(dimension_chart_svg(data.dimensions)),  # labels XML-escaped
        "indicator_groups": _group_by_dimension(data, dimension_titles),
        "highlights": summary_highlights(data),
        "peer_minimum": PEER_MINIMUM,
        # The one string of the stylesheet: translated text of the project, never user text.
        "page_counter": _css_page_counter(),
        "running_title": running_title(data.organisation_name),
    }


#: The organisation's name in the report's page heading is shortened to this many characters,
#: so that the heading keeps to its margin whatever the name's length.
RUNNING_TITLE_CHARS = 60


def running_title(name: str) -> str:
    return Truncator(name).chars(RUNNING_TITLE_CHARS)


def _group_by_dimension(data: ReportData, titles: dict[str, str]) -> list[dict]:
    """Indicators under their dimension's heading, dimensions in the report's order."""
    groups: dict[str, list] = {code: [] for code in titles}
    for row in data.indicators:
        groups.setdefault(row.dimension_code, []).append(
            {
                "row": row,
                "self_assessed": _display_value(row.self_assessed, row),
                "validated": _display_value(row.validated, row),
                "threshold": _display_value(row.threshold, row),
                "light_label": LIGHT_LABELS.get(row.light, gettext_lazy("not scored")),
            }
        )
    return [
        {"code": code, "title": titles.get(code, code), "rows": rows}
        for code, rows in groups.items()
        if rows
    ]


def _display_value(value: Decimal | None, row: IndicatorRow) -> str:
    """A value as the methodology means it: yes/no, a rubric level out of 3, or with its unit."""
    if value is None:
        return "–"
    if row.value_type == "yes_no":
        return gettext("yes") if value else gettext("no")
    if row.value_type == "rubric":
        return f"{floatformat(value, -1)} / {RUBRIC_MAXIMUM}"
    if row.unit == "%":
        return format_pct(value)
    return f"{floatformat(value, -1)}\u00a0{row.unit}".strip()


def _css_page_counter() -> SafeString:
    """``"Page " counter(page) " of " counter(pages)`` for CSS ``content``, translated whole.

    The sentence is translated with its placeholders, then split around them, so a language
    may put the numbers in any order.
    """
    sentence = gettext("Page %(page)s of %(pages)s")
    for name in ("page", "pages"):
        sentence = sentence.replace(f"%({name})s", f"\0{name}\0")
    pieces = []
    for index, piece in enumerate(sentence.split("\0")):
        if index % 2:
            pieces.append(f"counter({piece})")
        elif piece:
            pieces.append(_css_string(piece))
    return mark_safe(" ".join(pieces))  # text quoted by _css_string


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal that cannot close the string or the style element:
    every character but letters, digits and spaces is written as a CSS escape."""
    escaped = "".join(
        char if (char.isalnum() and char.isascii()) or char == " " else f"\\{ord(char):x} "
        for char in text
    )
    return f'"{escaped}"'
