"""The per-dimension chart of a report, as an SVG string built on the server.

Hand-written SVG: a few rectangles and labels need no charting library, render identically in
WeasyPrint and a browser, and every label goes through XML escaping.
"""

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.template.defaultfilters import floatformat
from django.utils.translation import gettext

from reports.pdf.data import DimensionResult

WIDTH = 640
BAR_AREA = 560  # 100 % ends here; the values stand right-aligned in the column after it
MARGIN = 12  # room for the half of the "0 %" and "100 %" axis labels that sticks out
ROW_HEIGHT = 36
BAR_HEIGHT = 13
TOP = 4
AXIS_HEIGHT = 20
LEGEND_HEIGHT = 24
GRID_STEPS = (0, 20, 40, 60, 80, 100)
BAR_COLOUR = "#3C6E8F"
MEDIAN_COLOUR = "#1B1B1B"
TRACK_COLOUR = "#EDF0F3"
AXIS_COLOUR = "#9AA5B1"
FONT = "font-family:'DejaVu Sans',sans-serif"


def format_pct(value: Decimal, places: int = -1) -> str:
    """``96`` or ``87.5`` (``87,5`` in German), followed by a non-breaking space and ``%``;
    ``places=2`` always shows two decimals (a score, already rounded down: never rounded up
    again, so 79.99 stays 79.99)."""
    return f"{floatformat(value, places)}\u00a0%"


def _x(pct: Decimal) -> float:
    clamped = min(max(pct, Decimal(0)), Decimal(100))
    return round(float(clamped) * BAR_AREA / 100, 2)


def _text(x: float, y: float, text: str, *, size: int = 11, anchor: str = "start", **attrs) -> str:
    extra = "".join(f" {name.replace('_', '-')}={quoteattr(str(v))}" for name, v in attrs.items())
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}" style="{FONT}"{extra}>'
        f"{escape(text)}</text>"
    )


def _row(index: int, dimension: DimensionResult) -> list[str]:
    top = TOP + index * ROW_HEIGHT
    bar_y = top + 17
    width = _x(dimension.score_pct) if dimension.score_pct is not None else 0
    parts = [
        _text(0, top + 11, f"{dimension.code}  {dimension.title}", fill="#222"),
        f'<rect x="0" y="{bar_y}" width="{BAR_AREA}" height="{BAR_HEIGHT}" fill="{TRACK_COLOUR}"/>',
        f'<rect class="bar" data-dimension={quoteattr(dimension.code)} x="0" y="{bar_y}" '
        f'width="{width}" height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>',
        _text(
            WIDTH,
            bar_y + 10.5,
            format_pct(dimension.score_pct, 2) if dimension.score_pct is not None else "–",
            size=10,
            anchor="end",
            font_weight="bold",
            fill="#222",
        ),
    ]
    if dimension.peer_median_pct is not None:
        x = _x(dimension.peer_median_pct)
        parts.append(
            f'<path class="peer-median" d="M{x} {bar_y - 3}v{BAR_HEIGHT + 6}" '
            f'stroke="{MEDIAN_COLOUR}" stroke-width="2.5"/>'
        )
    return parts


def _axis(y: float) -> list[str]:
    parts = [f'<path d="M0 {y}H{BAR_AREA}" stroke="{AXIS_COLOUR}" stroke-width="0.8"/>']
    for step in GRID_STEPS:
        x = _x(Decimal(step))
        parts.append(f'<path d="M{x} {y}v4" stroke="{AXIS_COLOUR}" stroke-width="0.8"/>')
        parts.append(_text(x, y + 14, format_pct(Decimal(step)), size=9, anchor="middle"))
    return parts


def _legend(y: float, with_median: bool) -> list[str]:
    parts = [
        f'<rect x="0" y="{y}" width="14" height="10" fill="{BAR_COLOUR}"/>',
        _text(20, y + 9, gettext("Score of this organisation"), size=10),
    ]
    if with_median:
        parts += [
            f'<path d="M260 {y - 2}v14" stroke="{MEDIAN_COLOUR}" stroke-width="2.5"/>',
            _text(268, y + 9, gettext("Median of labelled peers"), size=10),
        ]
    return parts


def dimension_chart_svg(dimensions: Sequence[DimensionResult]) -> str:
    """A horizontal bar per dimension (score in %), with the peer median as a tick where known.

    Call it under the language the report is rendered in: the legend and numbers are localised.
    """
    rows_end = TOP + len(dimensions) * ROW_HEIGHT
    with_median = any(d.peer_median_pct is not None for d in dimensions)
    height = rows_end + AXIS_HEIGHT + LEGEND_HEIGHT
    parts = [
        *_axis(rows_end),
        *(part for index, d in enumerate(dimensions) for part in _row(index, d)),
        *_legend(rows_end + AXIS_HEIGHT + 8, with_median),
    ]
    label = escape(gettext("Score per dimension"))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dimension-chart" role="img" '
        f'viewBox="{-MARGIN} 0 {WIDTH + 2 * MARGIN} {height}" '
        f'width="{WIDTH + 2 * MARGIN}" height="{height}">'
        f"<title>{label}</title>{''.join(parts)}</svg>"
    )
