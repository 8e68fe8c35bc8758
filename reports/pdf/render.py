"""HTML and signed PDF of certificates and reports, from the dataclasses in ``data``.

Rendering reads templates and files of this project only: the URL fetcher refuses anything
but ``file:`` and ``data:`` URLs, so a template can never make the worker fetch from the network,
and a missing file stops the rendering instead of silently leaving a hole in the document.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, pgettext
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from reports.pdf.charts import dimension_chart_svg, format_pct
from reports.pdf.data import PEER_MINIMUM, CertificateData, IndicatorRow, ReportData
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


def certificate_html(data: CertificateData) -> str:
    """The certificate as HTML, in ``data.language``; also the preview in the browser."""
    with translation.override(data.language):
        return render_to_string("reports/certificate.html", _certificate_context(data))


def report_html(data: ReportData) -> str:
    """The assessment report as HTML, in ``data.language``; also the preview in the browser."""
    with translation.override(data.language):
        return render_to_string("reports/report.html", _report_context(data))


def render_certificate_pdf(data: CertificateData) -> bytes:
    """The final certificate: rendered, then signed (PAdES). Store and hash these very bytes."""
    with translation.override(data.language):
        reason = gettext("Certificate %(number)s") % {"number": data.number}
    return sign_pdf(
        html_to_pdf(certificate_html(data)),
        reason=reason,
        location=settings.CERTIFICATE_SIGNING_LOCATION,
    )


def render_report_pdf(data: ReportData) -> bytes:
    """The final assessment report: rendered, then signed (PAdES)."""
    with translation.override(data.language):
        reason = gettext("Assessment report of %(organisation)s") % {
            "organisation": data.organisation_name
        }
    return sign_pdf(
        html_to_pdf(report_html(data)),
        reason=reason,
        location=settings.CERTIFICATE_SIGNING_LOCATION,
    )


class PdfRenderingError(Exception):
    """A document could not be rendered, e.g. it refers to a file that is missing."""


def html_to_pdf(html: str) -> bytes:
    """Unsigned PDF of ``html``; relative URLs resolve against the project directory.

    Raises ``PdfRenderingError`` for a resource that is missing or not local. WeasyPrint's own
    error for that derives from ``BaseException``, which would slip past a worker's
    ``except Exception`` and leave the job unrecorded.
    """
    fetcher = URLFetcher(allowed_protocols=("file", "data"), fail_on_errors=True)
    document = HTML(string=html, base_url=settings.BASE_DIR.as_uri() + "/", url_fetcher=fetcher)
    try:
        return document.write_pdf()
    except FatalURLFetchingError as exc:
        raise PdfRenderingError(f"{exc}: {exc.__cause__}") from exc.__cause__


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
        "peer_minimum": PEER_MINIMUM,
        "page_counter": _css_page_counter(),
        # Strings for the page margins' CSS ``content``, quoted so they cannot break out.
        "running_title": mark_safe(_css_string(data.organisation_name)),
        "running_number": mark_safe(_css_string(data.certificate_number)),
        "issuer_css": mark_safe(_css_string(common["issuer"])),
    }


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
    """``text`` as a CSS string literal that cannot close the string or the style element."""
    escaped = "".join(f"\\{ord(char):x} " if char in '"\\<>\n' else char for char in text)
    return f'"{escaped}"'
