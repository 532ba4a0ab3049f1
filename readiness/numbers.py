"""Numbers as people read them: whole points, rounded half up (34.5 -> 35), never truncated.

One rule for every page, the report and the CSV-free summaries, so that a change reads as
the difference of the two numbers shown beside it (34.3 -> 38.9 is shown 34 -> 39, "+5").
"""

from __future__ import annotations

import math


def points(x: float) -> int:
    """A score in whole points, half up (Python's round() would make 34.5 into 34)."""
    return math.floor(x + 0.5)


def point_change(before: float | None, after: float | None) -> int | None:
    """The change between two scores as shown: the difference of the rounded numbers."""
    if before is None or after is None:
        return None
    return points(after) - points(before)


def signed(change: int) -> str:
    """+5, −3 (a real minus sign), ±0."""
    return f"+{change}" if change > 0 else ("±0" if change == 0 else f"\u2212{abs(change)}")


def points_text(x: float | None) -> str:
    """A score in whole points for a page, "–" where there is none."""
    return "–" if x is None else str(points(x))


def one_decimal(x: float | None) -> float | None:
    """A score kept to one decimal, for the exports (CSV, JSON); None stays None."""
    return None if x is None else round(x, 1)
