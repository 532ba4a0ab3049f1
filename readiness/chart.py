"""The radar (spider) chart of the dimension scores, as SVG text.

Pure Python, no plotting library: the report inlines the SVG in its HTML, so it
stays vector in the PDF and costs almost nothing to draw. Each axis is one
dimension (clockwise from the top, in the bank's order, numbered like the table
that the report prints beside the chart, so nothing is told by colour alone).
The readiness levels are drawn as bands: concentric polygons from each level's
threshold to the next, in tints of the one accent colour.

Every text that goes into the SVG is XML-escaped here; the report marks the
returned string as safe markup, so this module must never pass text through
unescaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

ACCENT = "#1f5a7a"
# Band fills from the lowest level to the highest: tints of the accent colour.
BAND_TINTS = ("#f8fbfc", "#edf4f7", "#e1ecf1", "#d3e3eb", "#c5dae4", "#b7d1dd")
GRID = "#9aaeb9"
INK = "#1d2733"

WIDTH, HEIGHT = 560.0, 500.0
CX, CY, RADIUS = 280.0, 235.0, 135.0
LABEL_SIZE, LINE_HEIGHT, TICK_SIZE, LEGEND_SIZE = 15.0, 16.5, 11.0, 13.0


@dataclass(frozen=True)
class TextStyle:
    """The chart's text sizes, in viewBox units, and the room left for them."""

    label: float
    line_height: float
    tick: float
    legend: float
    wrap: int  # characters per line of an axis label
    radius: float
    lines: int = 2  # lines of an axis label at most
    gap: float = 14.0  # from the outer ring to an axis label
    side: float = 0.2  # labels whose axis points less steeply than this (sine) are centred on it


# Printed, the chart is about 90 mm wide: 15-unit labels read like 8-9 pt type.
PRINT = TextStyle(LABEL_SIZE, LINE_HEIGHT, TICK_SIZE, LEGEND_SIZE, wrap=16, radius=RADIUS)
# On a screen the chart is as narrow as 350 px on a phone (0.63 px a unit): every text is
# 18 units (11.3 px there, more on wider screens), labels wrap shorter and the rings shrink
# to leave them room.
SCREEN = TextStyle(18.0, 19.0, 18.0, 18.0, wrap=12, radius=118.0, lines=3, gap=27.0, side=0.7)


@dataclass(frozen=True)
class Axis:
    number: int
    title: str
    score: float | None


@dataclass(frozen=True)
class Band:
    label: str
    low: float  # inclusive, 0-100
    high: float  # exclusive (100 for the last band)


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _point(i: int, n: int, value: float, radius: float = RADIUS) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * i / n
    r = radius * max(0.0, min(100.0, value)) / 100
    return CX + r * math.cos(angle), CY + r * math.sin(angle)


def point(i: int, n: int, value: float, style: TextStyle = PRINT) -> tuple[float, float]:
    """Where ``value`` (0-100) lies on axis ``i`` of ``n`` in a chart drawn with ``style``."""
    return _point(i, n, value, style.radius)


def _polygon(n: int, value: float, radius: float = RADIUS) -> str:
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (_point(i, n, value, radius) for i in range(n)))


def _wrap(text: str, width: int = 16, max_lines: int = 2) -> list[str]:
    """Split a title into at most ``max_lines`` lines near ``width`` characters."""
    words, line = text.split(), ""
    lines: list[str] = []
    for word in words:
        if line and len(line) + 1 + len(word) > width and len(lines) < max_lines - 1:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines


def bands_from_levels(levels: Sequence[tuple[str, float]]) -> list[Band]:
    """[(label, min), ...] ascending -> bands covering 0-100."""
    out = []
    for k, (label, low) in enumerate(levels):
        high = levels[k + 1][1] if k + 1 < len(levels) else 100.0
        out.append(Band(label, float(low), float(high)))
    return out


def radar_svg(axes: Sequence[Axis], bands: Sequence[Band], title: str = "Scores by dimension",
              style: TextStyle = PRINT) -> str:
    """The chart as an ``<svg>`` element (a string), for inlining in HTML (``style``: PRINT
    for the PDFs, SCREEN for web pages)."""
    n = len(axes)
    radius = style.radius
    if n < 3:
        raise ValueError("a radar chart needs at least three axes")
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" viewBox="0 0 {_fmt(WIDTH)} {_fmt(HEIGHT)}" '
        f'width="{_fmt(WIDTH)}" height="{_fmt(HEIGHT)}" role="img" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
        '<g class="bands">',
    ]
    # Bands, outermost first so the inner ones paint over them.
    for k, band in reversed(list(enumerate(bands))):
        tint = BAND_TINTS[min(k, len(BAND_TINTS) - 1)]
        parts.append(
            f'<polygon class="band" data-level={quoteattr(band.label)} points="{_polygon(n, band.high, radius)}" '
            f'fill="{tint}" stroke="{GRID}" stroke-width="0.6"/>'
        )
    parts.append("</g>")
    # Thresholds, written on the top axis.
    parts.append(f'<g class="ticks" font-size="{_fmt(style.tick)}" fill="#5b6b78">')
    for band in bands:
        if band.low > 0:
            _, y = _point(0, n, band.low, radius)
            parts.append(f'<text x="{_fmt(CX + 3)}" y="{_fmt(y - 2)}">{_fmt(band.low)}</text>')
    _, y = _point(0, n, 100, radius)
    parts.append(f'<text x="{_fmt(CX + 3)}" y="{_fmt(y - 2)}">100</text>')
    parts.append("</g>")
    # Axes and their labels.
    parts.append(f'<g class="axes" stroke="{GRID}" stroke-width="0.6">')
    for i, axis in enumerate(axes):
        x, y = _point(i, n, 100, radius)
        parts.append(
            f'<line class="axis" data-dimension={quoteattr(axis.title)} '
            f'x1="{_fmt(CX)}" y1="{_fmt(CY)}" x2="{_fmt(x)}" y2="{_fmt(y)}"/>'
        )
    parts.append("</g>")
    parts.append(f'<g class="labels" font-size="{_fmt(style.label)}" fill="{INK}">')
    for i, axis in enumerate(axes):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        lx, ly = CX + (radius + style.gap) * math.cos(angle), CY + (radius + style.gap) * math.sin(angle)
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
        lines = _wrap(f"{axis.number}. {axis.title}", style.wrap, style.lines)
        # Labels above the centre grow upwards, labels below grow downwards, side labels are centred.
        first_y = ly - (len(lines) - 1) * style.line_height if sin < -0.2 else ly + (4 if sin < 0.2 else 11)
        if abs(sin) <= style.side and abs(cos) >= 0.2:
            first_y = ly - (len(lines) - 1) * style.line_height / 2 + 5
        tspans = "".join(
            f'<tspan x="{_fmt(lx)}" y="{_fmt(first_y + k * style.line_height)}">{escape(line)}</tspan>' for k, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="{anchor}">{tspans}</text>')
    parts.append("</g>")
    # The town's profile.
    points = [_point(i, n, a.score if a.score is not None else 0.0, radius) for i, a in enumerate(axes)]
    parts.append(
        f'<polygon class="profile" points="{" ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)}" '
        f'fill="{ACCENT}" fill-opacity="0.22" stroke="{ACCENT}" stroke-width="2" stroke-linejoin="round"/>'
    )
    parts.append(f'<g class="points" fill="{ACCENT}">')
    for (x, y), axis in zip(points, axes):
        if axis.score is None:
            parts.append(
                f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="3.2" fill="#ffffff" stroke="{ACCENT}" stroke-width="1.2"/>'
            )
        else:
            parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="3.2"/>')
    parts.append("</g>")
    # Legend: the bands in words, so the colours are never the only key (two to a row).
    parts.append(f'<g class="legend" font-size="{_fmt(style.legend)}" fill="{INK}">')
    for k, band in enumerate(bands):
        tint = BAND_TINTS[min(k, len(BAND_TINTS) - 1)]
        high = "100" if band.high >= 100 else _fmt(band.high - 1)
        label = f"{band.label} {_fmt(band.low)}–{high}"
        lx = 20.0 + (k % 2) * (WIDTH / 2)
        ly = HEIGHT - 12 - max(18.0, style.legend * 1.35) * ((len(bands) - 1) // 2 - k // 2)
        parts.append(f'<rect x="{_fmt(lx)}" y="{_fmt(ly - 10)}" width="12" height="12" fill="{tint}" stroke="{GRID}" stroke-width="0.6"/>')
        parts.append(f'<text x="{_fmt(lx + 17)}" y="{_fmt(ly)}">{escape(label)}</text>')
    parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def axis_count(svg: str) -> int:
    """How many dimension axes an SVG from ``radar_svg`` has (for tests)."""
    return svg.count('<line class="axis"')
