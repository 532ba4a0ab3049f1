"""The view model of "Where views differ" (results page and reports): the group's
consolidated scores, the questions with the widest spread, answers by role, the
agreed facts and the group finding. Pure; words in the report's language through
the ``gettext`` it is given. Laid out by templates/report/_group.html (PDF) and
templates/group/_differ.html (web).
"""

from __future__ import annotations

from typing import Any, Callable

from .group import AGREED, FINDING_TEXT, MEDIAN, ROLES, SINGLE, GroupResult
from .answers import answer_text
from .numbers import points_text
from .report_view import _source

Gettext = Callable[[str], str]



def role_word(role: str, gettext: Gettext) -> str:
    return gettext(ROLES[role]) if role in ROLES else role


def group_section(group: GroupResult, gettext: Gettext, show_names: bool = False,
                  body_is_consolidated: bool = False) -> dict[str, Any]:
    """Everything the section shows. Names appear only with ``show_names`` (the owner's choice).
    ``body_is_consolidated``: the rest of the report scores the group's consolidated answers
    (``readiness group -o``), not the assessment's own (the web)."""
    def who(view: Any) -> dict[str, str]:
        c = view.contributor
        return {"role": role_word(c.role, gettext), "name": c.name if show_names else ""}

    differ = []
    for s in group.widest:
        differ.append({
            "id": s.question.id,
            "question": s.question.text,
            "dimension": s.dimension.title,
            "spread": points_text(s.range),
            "disagreement": s.is_disagreement,
            "answers": [dict(who(v), answer=answer_text(s.question, v.value, gettext)) for v in s.views],
            "agreed": answer_text(s.question, s.agreed.value, gettext) if s.agreed else None,
            "note": s.agreed.note if s.agreed else "",
        })
    finding = group.finding
    levels = {d.dimension.id: d for d in group.consolidated.dimensions} if group.consolidated else {}
    return {
        "voices": len(group.contributors),
        "roles": sorted({role_word(c.role, gettext) for c in group.contributors}),
        "overall": points_text(group.overall),
        "dimensions": [
            {"title": d.dimension.title, "score": points_text(d.score), "lowest": points_text(d.lowest),
             "highest": points_text(d.highest), "contributors": d.contributors,
             "level": levels[d.dimension.id].level.label if d.dimension.id in levels and levels[d.dimension.id].level else ""}
            for d in group.dimensions
        ],
        "agreed": group.count(AGREED),
        "median": group.count(MEDIAN),
        "single": group.count(SINGLE),
        "differ": differ,
        "finding": None if finding is None else {
            "title": gettext(finding.title),
            "text": gettext(FINDING_TEXT) % {"num": finding.questions, "points": finding.points},
            "source": _source(finding.source),
        },
        "show_names": show_names,
        "body_is_consolidated": body_is_consolidated,
    }
