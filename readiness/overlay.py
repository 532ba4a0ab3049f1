"""The town's radar chart with a case's documented profile drawn over it (SVG text).

Reuses the report's radar (``readiness.chart``: bands, axes, the town's polygon)
and adds the case on top: a marker on each dimension the documents support, and
dashed lines only between neighbouring documented dimensions, so a dimension the
documents are silent on is never drawn as if it were known. Returns ``None``
when the chart module is not available. Every text in the SVG is escaped here
or in ``chart.radar_svg``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence
from xml.sax.saxutils import quoteattr

from .answers import N_

if TYPE_CHECKING:
    from .library import DimensionPair
    from .models import Level

CASE_COLOUR = "#9a4a12"  # a dark orange, distinct from the town's blue; shapes differ too
# The chart's title (``% {"case": name}``); the web passes it translated as ``title``.
TITLE = N_("Your town's scores (filled) and the documented profile of %(case)s (dashed)")


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def overlay_svg(
    rows: "Sequence[DimensionPair]", levels: "Sequence[Level]", case_name: str, title: str | None = None,
    screen: bool = False,
) -> str | None:
    """``screen``: sized for a web page (chart.SCREEN), else for print."""
    try:
        from . import chart
    except ImportError:  # the report's chart module is not there: the table says it all
        return None
    n = len(rows)
    if n < 3:
        return None
    axes = [chart.Axis(i + 1, r.dimension.title, r.town) for i, r in enumerate(rows)]
    bands = chart.bands_from_levels([(lv.label, lv.min) for lv in levels])
    style = chart.SCREEN if screen else chart.PRINT
    svg = chart.radar_svg(axes, bands, title=title if title is not None else TITLE % {"case": case_name}, style=style)

    def point(i: int, value: float) -> tuple[float, float]:
        return chart.point(i, n, value, style)

    known = {i: point(i, r.case.score) for i, r in enumerate(rows) if r.case is not None}
    parts = [f'<g class="case-overlay" data-case={quoteattr(case_name)} stroke="{CASE_COLOUR}" fill="{CASE_COLOUR}">']
    for i, (x1, y1) in known.items():
        j = (i + 1) % n
        if j in known and j != i:
            x2, y2 = known[j]
            parts.append(
                f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" '
                'stroke-width="2" stroke-dasharray="6 4" fill="none"/>'
            )
    for i, (x, y) in known.items():
        d = 5.0  # a diamond: not a circle like the town's points
        parts.append(
            f'<polygon class="case-point" points="{_fmt(x)},{_fmt(y - d)} {_fmt(x + d)},{_fmt(y)} '
            f'{_fmt(x)},{_fmt(y + d)} {_fmt(x - d)},{_fmt(y)}" stroke-width="1"/>'
        )
    parts.append("</g>")
    overlay = "".join(parts)
    anchor = svg.find('<g class="legend"')
    if anchor < 0:
        anchor = svg.rfind("</svg>")
    return svg[:anchor] + overlay + svg[anchor:]
