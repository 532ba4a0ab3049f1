"""Export formats: an assessment's answers, scores and findings as JSON and CSV rows.
Pure functions, no I/O, no web framework (the database side is ``webapp/export/exporter.py``).

CSV: one row per assessment and record, ``CSV_COLUMNS`` wide. ``record`` says what
the row is: ``overall`` (the overall score), ``dimension`` (one per dimension),
``finding`` (one per risk or strength) or ``answer`` (one per answered question).
Cells a spreadsheet would run as a formula are neutralised (``safe_cell``) and the
file is UTF-8 with a byte-order mark, so Excel reads accented town names right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from .answers import answer_text
from .conditions import AnswerValue
from .numbers import one_decimal

if TYPE_CHECKING:
    from .content_model import Content
    from .group import GroupResult
    from .scoring import AssessmentResult

FORMAT = "cluster-readiness-export"
FORMAT_VERSION = 1

# The assessment's own fields, first in every CSV row and in every JSON assessment.
META_COLUMNS = ["assessment", "town", "country", "status", "language", "content_version", "created_at", "submitted_at"]
CSV_COLUMNS = META_COLUMNS + [
    "record",      # overall | dimension | finding | answer
    "dimension",   # dimension id (answers of the town profile: "profile")
    "item",        # finding: rule id; answer: question id
    "title",       # dimension title, finding title or question text, in the assessment's language
    "score",       # 0-100, one decimal (overall, dimension, scored answer)
    "level",       # Emerging | Developing | Established | Advanced (overall, dimension)
    "answered",    # dimension: questions answered
    "applicable",  # dimension: questions that apply
    "kind",        # finding: risk | strength
    "severity",    # finding: high | medium | low
    "answer",      # answer as shown to the officer (option labels, "; " between choices)
    "value",       # answer as stored (option values, "; " between choices; numbers as numbers)
]

# A cell starting with one of these is run as a formula by Excel, LibreOffice and
# Google Sheets (OWASP "CSV injection"); such cells get a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula. Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def iso(value: dt.datetime | None) -> str | None:
    """A timestamp as ISO 8601 in UTC (naive values, as SQLite returns them, are UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat()


def safe_filename(town: str, suffix: str = "", extension: str = "") -> str:
    """The one download file name: ``cluster-readiness-<town>[-<suffix>][.<extension>]``,
    ASCII letters, digits and dashes only ("Hódmezővásárhely" becomes "hodmezovasarhely")."""
    ascii_town = unicodedata.normalize("NFKD", town).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_town).strip("-").lower()[:60].strip("-") or "town"
    name = f"cluster-readiness-{slug}" + (f"-{suffix}" if suffix else "")
    return f"{name}.{extension}" if extension else name


def _stored(value: AnswerValue) -> Any:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return value


def csv_rows(content: "Content", meta: Mapping[str, Any], result: "AssessmentResult") -> list[dict[str, Any]]:
    """The CSV rows of one assessment. ``meta`` has the ``META_COLUMNS``; ``content`` is in
    the assessment's language."""
    from .scoring import question_score

    base = {k: meta.get(k) for k in META_COLUMNS}
    rows: list[dict[str, Any]] = [{
        **base, "record": "overall", "title": "Overall", "score": one_decimal(result.overall),
        "level": result.level.label if result.level else None,
    }]
    for d in result.dimensions:
        rows.append({**base, "record": "dimension", "dimension": d.id, "title": d.title, "score": one_decimal(d.score),
                     "level": d.level.label if d.level else None, "answered": d.answered, "applicable": d.applicable})
    for f in result.findings:
        rows.append({**base, "record": "finding", "dimension": f.dimension, "item": f.id, "title": f.title,
                     "kind": f.kind, "severity": f.severity})
    questions = [*content.bank.profile, *(q for dim in content.dimensions for q in dim.questions)]
    for q in questions:
        value = result.answers.get(q.id)
        if value is None:
            continue
        rows.append({**base, "record": "answer", "dimension": q.dimension or "profile", "item": q.id, "title": q.text,
                     "score": one_decimal(question_score(q, value, result.answers)), "answer": answer_text(q, value), "value": _stored(value)})
    return rows


def write_csv(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The CSV file: a header, the rows with every cell made safe, UTF-8 with a BOM."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([safe_cell(row.get(col)) for col in CSV_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def group_json(group: "GroupResult") -> dict[str, Any]:
    """The consolidated view of a group assessment (per-contributor answers are exported apart)."""
    return {
        "overall": one_decimal(group.overall),
        "dimensions": [
            {"id": d.dimension.id, "score": one_decimal(d.score), "lowest": one_decimal(d.lowest), "highest": one_decimal(d.highest),
             "contributors": d.contributors}
            for d in group.dimensions
        ],
        "spread": [
            {"question": s.question.id, "dimension": s.dimension.id, "range": one_decimal(s.range), "stdev": one_decimal(s.stdev)}
            for s in group.spreads
        ],
    }


def document(workspaces: Sequence[Mapping[str, Any]], assessments: Sequence[Mapping[str, Any]],
             content_version: str, exported_at: dt.datetime) -> dict[str, Any]:
    """The JSON export: the same shape for one assessment, a workspace and a whole database."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": iso(exported_at),
        "content_version": content_version,
        "workspaces": list(workspaces),
        "assessments": list(assessments),
    }
