"""The view model of a network of towns (web page and PDF) and the network PDF.
Pure apart from rendering; words in the page's language through ``gettext``.
Laid out by templates/report/network.html (PDF) and templates/network/show.html (web)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from markupsafe import Markup

from . import chart
from .answers import COUNTRY_MAX, TOWN_NAME_MAX
from .content_model import Content
from .catalogs import ui_translations
from .network import TOGETHER, TOGETHER_DEFAULT, NetworkResult
from .numbers import points_text
from .report_view import _cap, _source, date_words

Gettext = Callable[[str], str]
NAME_MAX = 120


def _small_radar(content: Content, member: Any, title: str, screen: bool) -> Markup:
    """A small radar of one town: axes numbered like the table (no words to crowd it)."""
    axes = [chart.Axis(i + 1, "", d.score) for i, d in enumerate(member.result.dimensions)]
    bands = chart.bands_from_levels([(lv.label, lv.min) for lv in content.levels])
    style = chart.SCREEN if screen else chart.PRINT
    return Markup(chart.radar_svg(axes, bands, title=title, style=style))  # numbers and an escaped title (chart.py)


def network_context(content: Content, result: NetworkResult, name: str, gettext: Gettext,
                    screen: bool = False) -> dict[str, Any]:
    _ = gettext
    assessed = result.assessed
    members = []
    for m in result.members:
        nearest = result.nearest_to(m)
        other = None if nearest is None else (nearest.b if nearest.a is m else nearest.a)
        members.append({
            "key": m.key,
            "town": _cap(m.town, TOWN_NAME_MAX),
            "country": _cap(m.country, COUNTRY_MAX),
            "assessed": m.result is not None,
            "shares": m.share_details,
            "overall": points_text(m.result.overall) if m.result else "–",
            "level": m.result.level.label if m.result and m.result.level else "",
            "radar": _small_radar(content, m, _("Scores of %(town)s by dimension") % {"town": _cap(m.town, TOWN_NAME_MAX)}, screen)
            if m.result else None,
            "nearest": None if other is None else {"town": _cap(other.town, TOWN_NAME_MAX), "distance": points_text(nearest.distance)},
        })
    table = []
    for i, dim in enumerate(content.dimensions):
        cells = []
        for m in assessed:
            d = m.result.dimension(dim.id)  # type: ignore[union-attr]
            cells.append({"score": points_text(d.score), "level": d.level.label if d.level else ""})
        table.append({"number": i + 1, "title": dim.title, "cells": cells})
    sharing = sum(1 for m in assessed if m.share_details)
    # The plan by dimension: one way of working together, then each shared risk of it.
    plan: list[dict[str, Any]] = []
    for s in result.shared_risks:
        dim_id = s.finding.dimension
        group = next((g for g in plan if g["id"] == dim_id), None)
        if group is None:
            group = {"id": dim_id, "together": _(TOGETHER.get(dim_id, TOGETHER_DEFAULT)), "risks": [],
                     "dimension": content.dimension_by_id[dim_id].title if dim_id in content.dimension_by_id else dim_id}
            plan.append(group)
        group["risks"].append({
            "title": s.finding.title, "count": len(s.members), "of": s.of,
            "towns": [_cap(m.town, TOWN_NAME_MAX) for m in s.members],
            "actions": [{"action": r.action, "lead": r.lead} for r in s.finding.recommendations],
            "source": _source(s.finding.sources[0], content) if s.finding.sources else None,
        })
    pairs = [{"a": _cap(p.a.town, TOWN_NAME_MAX), "b": _cap(p.b.town, TOWN_NAME_MAX), "distance": points_text(p.distance),
              "dimensions": p.dimensions} for p in result.pairs[:5]]
    return {
        "name": _cap(name, NAME_MAX),
        "members": members,
        "assessed": [mm for mm in members if mm["assessed"]],
        "table": table,
        "plan": plan,
        "sharing": sharing,
        "pairs": pairs,
        "levels": [lv.label for lv in content.levels],
    }


def network_html(content: Content, result: NetworkResult, name: str, language: str = "en", *,
                 as_of: dt.date) -> str:
    """The network's report as HTML (milliseconds: the web app builds it in the request and
    its render queue turns it into a PDF).

    ``as_of``: the date of the newest data it shows (the web app: the latest submission of a
    member it shows), never the day it is made: its cached PDF is keyed by this HTML, so the
    same data must make the same document (not a new one, rendered again, every day)."""
    from .report import REPORT_DIR, _environment

    ctx = network_context(content, result, name, ui_translations(language).gettext)
    css = Markup((REPORT_DIR / "network.css").read_text(encoding="utf-8"))
    return _environment(language).get_template("network.html").render(
        **ctx, css=css, language=language, date=date_words(as_of, language), version=content.version)


def network_pdf(content: Content, result: NetworkResult, name: str, language: str = "en", *,
                as_of: dt.date) -> bytes:
    from .report import render_html_to_pdf  # WeasyPrint only when needed

    return render_html_to_pdf(network_html(content, result, name, language, as_of=as_of))
