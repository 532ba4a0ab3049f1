"""The report's view model: everything the report (and the results page) shows,
computed from the content, the result and the report's language. Pure: no I/O,
no WeasyPrint, no web framework; ``readiness.report`` lays it out and renders it.

``report_view`` returns a typed ``ReportView``; ``report_context`` gives its fields as
template variables. Longer than the core's other modules (~570 lines) because it is the
one place the report's chapters are worded, one small function per chapter's rows, in
chapter order; the summary and full editions are the seam it is to be split along.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from typing import Any, Callable, Iterator, Mapping

from .numbers import points_text

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from markupsafe import Markup

from . import chart
from .answers import (COUNTRY_MAX, NOT_ANSWERED, ROLE_MAX, TOWN_NAME_MAX, N_, answer_text, clean_text, is_visible,
                      option_label)
from .compare import PROFILE_WEIGHT, TRAITS_WEIGHT, town_traits
from .conditions import is_known
from .content_model import Content
from .i18n import ui_translations
from .library import CASE_TYPES, reason_text
from .quote_translations import quote_translations
from .documents import SEED_DOCUMENTS
from .models import HORIZONS, CaseStudy, Level, Question
from .report_changes import PreviousAssessment, changes_view
from .scoring import AssessmentResult, DimensionResult, Finding

EDITIONS = ("summary", "full")
# The full report compares the town with its nearest documented cases (the case library has them all).
REPORT_CASES = 2
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")


def _cap(value: Any, limit: int) -> str:
    return clean_text(str(value or ""))[:limit].strip()


@dataclass(frozen=True)
class ReportMeta:
    """Who and when: user-typed fields are cleaned and capped on construction."""

    town: str
    country: str
    assessment_id: str
    created: dt.date
    contact_role: str = ""
    language: str = "en"
    # "summary" (at most six pages, the default) or "full" (every dimension, finding,
    # data gap, case comparison, answer and source).
    edition: str = "summary"
    # Local language followed by English, for sharing with network partners (summary only).
    bilingual: bool = False
    # A re-assessment's report compares the town with its previous assessment.
    previous: PreviousAssessment | None = None
    # Optional sections, each a view model built by the caller in the report's language:
    # "Where views differ" (readiness.group_view.group_section) and the peer figures
    # (readiness.peers.peer_section). Laid out by the partials _group.html and _peers.html.
    group: dict | None = None
    peers: dict | None = None
    # The same sections in English, for the English part of a bilingual report.
    group_en: dict | None = None
    peers_en: dict | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "town", _cap(self.town, TOWN_NAME_MAX))
        object.__setattr__(self, "country", _cap(self.country, COUNTRY_MAX))
        object.__setattr__(self, "contact_role", _cap(self.contact_role, ROLE_MAX))
        object.__setattr__(self, "assessment_id", _cap(self.assessment_id, 64))
        language = str(self.language or "en")
        object.__setattr__(self, "language", language if _LANGUAGE.match(language) else "en")
        if self.edition not in EDITIONS:
            raise ValueError(f"unknown report edition {self.edition!r} (one of {', '.join(EDITIONS)})")

    @classmethod
    def for_cli(cls, town: str, country: str) -> "ReportMeta":
        return cls(town=town, country=country, assessment_id="cli", created=dt.date.today())



# --------------------------------------------------------------------------- view model
# Everything the template shows, computed here from the result and the content,
# so the template only lays it out. The report's own words are in the language
# of ``meta.language``: the constants below are msgids (marked with N_ for
# pybabel), translated where they are used with that language's UI catalog.

Gettext = Callable[[str], str]


def _english(message: str) -> str:
    return message


HORIZON_TITLES = {"now": N_("Now"), "6-12 months": N_("In 6–12 months"), "1-3 years": N_("In 1–3 years")}
SEVERITY_WORDS = {"high": N_("High priority"), "medium": N_("Medium priority"), "low": N_("Low priority")}
KIND_WORDS = {"risk": N_("Risk"), "strength": N_("Strength")}
DIRECTION_WORDS = {"raises": N_("raises"), "lowers": N_("lowers"), "neutral": N_("neutral")}
TRAIT_TITLES = {
    "population_band": N_("Population"),
    "rural_hinterland": N_("Rural hinterland"),
    "existing_hub": N_("Creative hub already open"),
    "heritage_led": N_("Heritage-led"),
}
DOES_NOT_APPLY = N_("Does not apply")
NOT_DOCUMENTED = N_("not documented")
NOT_STATED = N_("Not stated in the document: %(fields)s.")
NOT_ASSESSED = N_("Not assessed")
NOT_ASSESSED_TEXT = N_("No question of this dimension was answered.")
YES, NO = N_("yes"), N_("no")
ANSWERED_DONT_KNOW = N_("Answered “Don't know”")
GENERIC_FIND_OUT = N_("The answer to this question, and where the figure or fact comes from.")
GENERIC_ASK = N_("Whoever in the municipality or among the partners holds this information.")
PRIORITY_METHOD = N_(
    "The priorities are ranked in one way throughout: the more serious a risk, the earlier it comes; "
    "among risks equally serious, the one that others build on comes first (a strategy before a budget line), "
    "then the one whose dimension is furthest below its next level. The summary's first actions are the "
    "actions of its main risks, and nothing else."
)
# The words of the page margins (see _running_words).
FOOTER = N_("Creative cluster readiness · self-assessment")
PAGE_OF = N_("page %(page)s of %(pages)s")


def _trait_text(name: str, value: object, content: Content, gettext: Gettext = _english) -> str:
    if value is None:
        return gettext(NOT_DOCUMENTED)
    if isinstance(value, bool):
        return gettext(YES) if value else gettext(NO)
    if name == "population_band":
        q = content.questions.get("population_band")
        if q is not None:
            return option_label(q, str(value))
    return str(value)


_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
# Where the project has no bibliography (a test's stripped-down content), sources are
# numbered in the order of the seed documents and named by their descriptions.
_SEED_NUMBERS = {doc: i + 1 for i, doc in enumerate(SEED_DOCUMENTS)}


def _reference(content: Content | None, document: str) -> tuple[int, str]:
    """The number and short reference of a source document ("URBACT Creative Clusters,
    project page"), from the bibliography; never the file name."""
    entry = content.bibliography.get(document) if content is not None and content.bibliography is not None else None
    if entry is not None:
        return entry.number, entry.short
    return _SEED_NUMBERS.get(document, 0), SEED_DOCUMENTS.get(document, "")


def source_references(content: Content) -> dict[str, str]:
    """Every source document's numbered short reference, by file name (for pages that
    cite sources): "[4] URBACT Creative Clusters, project page"."""
    names = content.bibliography.by_name if content.bibliography is not None else SEED_DOCUMENTS
    return {doc: "[%d] %s" % _reference(content, doc) for doc in names}


def _source(s: Any, content: Content | None = None, translations: dict[str, str] | None = None) -> dict[str, Any]:
    number, short = _reference(content, s.document)
    return {
        "title": short,
        "reference": f"[{number}] {short}",
        "quote": s.quote,
        # Quotes stay in the language of their document (English, or Greek).
        "quote_language": "el" if _GREEK.search(s.quote) else "en",
        # in a report in another language: a translation, marked as such, after the original
        "translation": (translations or {}).get(s.quote),
        "number": number,
    }


# What a document's own date is, as the sources page labels it.
DATE_LABELS = {
    "published": N_("Date"),
    "edited": N_("Edited on"),
    "copyright": N_("Copyright"),
    "shown": N_("Date shown on the page (the page does not say what it is)"),
}
EVENT_DATE = N_("Date of the workshop")


def _locale(language: str) -> Locale:
    try:
        return Locale.parse("en_GB" if language == "en" else language, sep="-")
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en_GB")


def iso_date_words(value: str, language: str) -> str:
    """A bibliography date (a year, a day, or an interval of days in ISO form) in the
    words of the report's language: "2017", "9 October 2017", "29–30 October 2009"."""
    if len(value) == 4:
        return value
    start, *rest = (dt.date.fromisoformat(x) for x in value.split("/"))
    if not rest:
        return date_words(start, language)
    end = rest[0]
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{date_words(end, language)}"  # 29–30 October 2009 / 29–30 de outubro de 2009
    return f"{date_words(start, language)} – {date_words(end, language)}"


def bibliography_view(content: Content, gettext: Gettext = _english, language: str = "en") -> list[dict[str, Any]]:
    """The numbered sources page: each document as far as it states its own details."""
    if content.bibliography is None:
        return [{"number": _SEED_NUMBERS[doc], "short": title, "described_as": "", "details": [], "not_stated": ""}
                for doc, title in SEED_DOCUMENTS.items()]
    out = []
    for d in sorted(content.bibliography.documents, key=lambda d: d.number):
        fields = [
            (gettext(N_("Title")), d.title),
            (gettext(N_("Publisher or project")), " · ".join(x for x in (d.publisher, d.project) if x)),
            (gettext(DATE_LABELS[d.date_is] if d.date else N_("Date")), iso_date_words(d.date, language) if d.date else None),
            (gettext(N_("Address")), d.address),
        ]
        if d.event_date:
            fields.insert(3, (gettext(EVENT_DATE), iso_date_words(d.event_date, language)))
        missing = [label.lower() for label, value in fields if not value]
        out.append({
            "number": d.number,
            "short": d.short,
            "described_as": d.described_as,
            "details": [{"label": k, "value": v} for k, v in fields if v],
            "not_stated": gettext(NOT_STATED) % {"fields": ", ".join(missing)} if missing else "",
        })
    return out


def _finding_view(f: Finding, content: Content, number: int, gettext: Gettext = _english,
                  translations: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "id": f.id,
        "anchor": f"finding-{f.id}",
        "number": number,
        "kind": f.kind,
        "kind_word": gettext(KIND_WORDS.get(f.kind, f.kind)),
        "severity": f.severity,
        "severity_word": gettext(SEVERITY_WORDS[f.severity]),
        "title": f.title,
        "explanation": f.rule.explanation,
        "dimension": content.dimension_by_id[f.dimension].title if f.dimension in content.dimension_by_id else "",
        "dimension_id": f.dimension,
        "recommendations": [_action_view(r, gettext) for r in f.recommendations],
        "cases": [
            {"name": c.name, "mention": c.mention, "summary": c.summary}
            for c in (content.case_by_id.get(cid) for cid in f.rule.cases)
            if c is not None
        ],
        "sources": [_source(s, content, translations) for s in f.sources],
    }


def _action_view(r: Any, gettext: Gettext = _english) -> dict[str, Any]:
    return {
        "action": r.action,
        "lead": r.lead,
        "horizon": gettext(HORIZON_TITLES[r.horizon]) if r.horizon in HORIZON_TITLES else r.horizon,
        "horizon_id": r.horizon,
        "indicator": r.indicator,
    }


def _dimension_view(
    number: int, d: DimensionResult, findings: list[dict], content: Content, gettext: Gettext = _english
) -> dict[str, Any]:
    plan = None
    if d.plan is not None:
        plan = {
            "target": d.plan.target.label,
            "target_min": points_text(d.plan.target.min),
            "reachable": d.plan.reachable,
            "changes": [
                {
                    "question": c.question.text,
                    "current": answer_text(c.question, c.current, gettext),
                    "proposed": answer_text(c.question, c.proposed, gettext),
                    "gain": f"+{c.gain:.0f}" if c.gain >= 0.5 else f"+{c.gain:.1f}",
                }
                for c in d.plan.changes
            ],
        }
    drivers = []
    for dr in d.drivers:
        direction = "raises" if dr.effect > 0 else ("lowers" if dr.effect < 0 else "neutral")
        drivers.append(
            {
                "question": dr.question.text,
                "answer": answer_text(dr.question, dr.value, gettext),
                "effect": f"{dr.effect:+.0f}".replace("-", "\u2212") if abs(dr.effect) >= 0.5 else "0",
                "direction": direction,
                "direction_word": gettext(DIRECTION_WORDS[direction]),
            }
        )
    return {
        "number": number,
        "id": d.id,
        "anchor": f"dimension-{d.id}",
        "rows": _answer_rows(drivers, plan),
        "title": d.title,
        "summary": d.dimension.summary,
        "score": points_text(d.score),
        "score_value": d.score,
        "level": d.level.label if d.level else gettext(NOT_ASSESSED),
        "level_description": d.level.description if d.level else gettext(NOT_ASSESSED_TEXT),
        "answered": d.answered,
        "applicable": d.applicable,
        "drivers": drivers,
        "plan": plan,
        "findings": [f for f in findings if f["dimension_id"] == d.id],
    }


def _answer_rows(drivers: list[dict[str, Any]], plan: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per question that drove the score or would lift it to the next level:
    the full report's one table per dimension (two tables repeated the same questions)."""
    changes = {c["question"]: c for c in (plan or {}).get("changes", [])}
    rows = [{"question": dr["question"], "answer": dr["answer"], "effect": dr["effect"],
             "direction": dr["direction"], "change": changes.pop(dr["question"], None)} for dr in drivers]
    rows += [{"question": c["question"], "answer": c["current"], "effect": None, "direction": "neutral",
              "change": c} for c in changes.values()]
    return rows


def _statements(items: list[Any], content: Content) -> list[dict[str, Any]]:
    out = []
    for s in items:
        sources = [_source(src, content) for src in s.sources]
        numbers = sorted({src["number"] for src in sources})
        out.append({"text": s.text, "sources": sources, "source_numbers": numbers})
    return out


def _case_view(
    sc: Any, dims: list[dict], traits: dict[str, object], content: Content, gettext: Gettext = _english
) -> dict[str, Any]:
    case: CaseStudy = sc.case
    profile = []
    for d in dims:
        judgement = case.profile.get(d["id"])
        profile.append(
            {
                "title": d["title"],
                "town": d["score"],
                "town_level": d["level"],
                "case": None if judgement is None else points_text(judgement.score),
                "note": None if judgement is None else judgement.note,
            }
        )
    case_traits = case.traits.model_dump()
    return {
        "name": case.name,
        "place": case.place,
        "country": case.country,
        "mention": case.mention,
        "type": case.type,
        "type_word": gettext(CASE_TYPES[case.type]) if case.type in CASE_TYPES else case.type,
        "period": case.period,
        "summary": case.summary,
        "partners": case.partners,
        "similarity": f"{sc.similarity * 100:.0f}",
        "reasons": [reason_text(r, content, gettext) for r in sc.reasons],
        "shared_dimensions": sc.shared_dimensions,
        "profile": profile,
        "traits": [
            {
                "title": gettext(TRAIT_TITLES[name]),
                "town": _trait_text(name, traits.get(name), content, gettext),
                "case": _trait_text(name, case_traits.get(name), content, gettext),
            }
            for name in TRAIT_TITLES
        ],
        "what_they_did": _statements(case.what_they_did, content),
        "resources": _statements(case.resources, content),
        "resources_note": case.resources_note,
        "results": _statements(case.results, content),
        "difficulties": _statements(case.difficulties, content),
        "sources": [_source(s, content) for s in case.sources],
    }


def _data_gap_view(gap: Any, gettext: Gettext = _english) -> dict[str, str]:
    q: Question = gap.question
    if q.data_gap is not None:
        find_out, ask = q.data_gap.find_out, q.data_gap.ask
    else:
        find_out, ask = gettext(GENERIC_FIND_OUT), gettext(GENERIC_ASK)
    return {
        "dimension": gap.dimension_title,
        "question": q.text,
        "reason": gettext(ANSWERED_DONT_KNOW) if gap.reason == "dont_know" else gettext(NOT_ANSWERED),
        "find_out": find_out,
        "ask": ask,
    }


def date_words(day: dt.date, language: str) -> str:
    """The date in words, as the report's language writes it (English: 14 March 2026)."""
    return format_date(day, format="long", locale=_locale(language))


def _running_words(gettext: Gettext) -> dict[str, str]:
    """The words of the page margins in the report's language, for the stylesheet's
    ``string-set``: the footer, and "page N of M" cut around its two numbers."""
    page_of = gettext(PAGE_OF)
    m = re.fullmatch(r"(.*)%\(page\)s(.*)%\(pages\)s(.*)", page_of, re.S)
    if m is None:  # a translation without both numbers, in this order
        m = re.fullmatch(r"(.*)%\(page\)s(.*)%\(pages\)s(.*)", PAGE_OF, re.S)
    assert m is not None
    before, between, after = (part.replace("%%", "%") for part in m.groups())
    return {"footer": gettext(FOOTER), "page_before": before, "page_between": between, "page_after": after}


@dataclass(frozen=True)
class ReportView:
    """What the report (and the results page) shows: one typed field per name the
    templates use. The rows inside (dimensions, findings, cases, ...) are still dicts
    built by the ``_*_view`` functions above."""

    content: Content
    result: AssessmentResult
    meta: ReportMeta
    title: str
    author: str
    created_iso: str
    created_words: str
    overall: str
    level: Level | None
    levels: list[dict[str, Any]]
    dimensions: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    risks: list[dict[str, Any]]
    strengths: list[dict[str, Any]]
    top_risks: list[dict[str, Any]]
    top_strengths: list[dict[str, Any]]
    first_actions: list[dict[str, Any]]
    priorities: list[dict[str, Any]]
    priorities_are_strengths: bool
    summary_plan: list[dict[str, Any]]
    edition: str
    nearest: dict[str, Any] | None
    horizons: list[dict[str, Any]]
    data_gaps: list[dict[str, str]]
    cases: list[dict[str, Any]]
    appendix: list[dict[str, Any]]
    documents: Mapping[str, str]
    bibliography: list[dict[str, Any]]
    priority_ids: list[str]
    priority_method: str
    chart_svg: Markup
    screen_chart_svg: Markup  # the same chart sized for a web page (chart.SCREEN)
    answered: int
    applicable: int
    profile_weight: str
    traits_weight: str
    not_documented: str
    running: dict[str, str]
    group: dict[str, Any] | None
    peers: dict[str, Any] | None
    changes: dict[str, Any] | None
    glossary: list[dict[str, str]]

    def context(self) -> dict[str, Any]:
        """The fields as template variables (shallow: the content and result stay objects)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def report_context(content: Content, result: AssessmentResult, meta: ReportMeta) -> dict[str, Any]:
    """The report's template variables (``report_view(...).context()``)."""
    return report_view(content, result, meta).context()


def report_view(content: Content, result: AssessmentResult, meta: ReportMeta) -> ReportView:
    """Everything the template needs, derived from the content and the result.

    ``content`` should be worded in ``meta.language`` (``content.for_language``);
    the report's own words are translated here with that language's UI catalog.
    """
    _ = ui_translations(meta.language).gettext
    answers = result.answers
    quotes = quote_translations(content.root, meta.language)
    findings = [_finding_view(f, content, i + 1, _, quotes) for i, f in enumerate(result.findings)]
    dims = [_dimension_view(i + 1, d, findings, content, _) for i, d in enumerate(result.dimensions)]
    risks = [f for f in findings if f["kind"] == "risk"]
    strengths = [f for f in findings if f["kind"] == "strength"]

    # Action plan: every recommendation, by horizon; risks before strengths, by priority.
    plan: dict[str, list[dict]] = {h: [] for h in HORIZONS}
    for f in findings:
        for r in f["recommendations"]:
            plan.setdefault(r["horizon_id"], []).append(
                {**r, "finding": f["title"], "kind": f["kind_word"], "finding_kind": f["kind"], "anchor": f["anchor"]}
            )
    horizons = [
        {"id": h, "title": _(HORIZON_TITLES[h]) if h in HORIZON_TITLES else h, "actions": plan[h]} for h in plan
    ]
    # The summary: the top of the one ranking (readiness.priorities) and the actions of
    # those findings, the same as ``readiness score --json`` gives.
    summary = result.summary
    by_id = {f["id"]: f for f in findings}
    first_actions = [
        {**_action_view(a, _), "finding": by_id[a.finding]["title"], "finding_id": a.finding,
         "finding_kind": by_id[a.finding]["kind"], "anchor": by_id[a.finding]["anchor"]}
        for a in summary.actions
    ]

    # The summary edition's priorities: the summary's findings, each with its actions.
    summary_actions = {(a.finding, a.action) for a in summary.actions}
    priorities = [
        {**by_id[f.id], "recommendations": [r for r in by_id[f.id]["recommendations"]
                                            if (f.id, r["action"]) in summary_actions]}
        for f in summary.findings
    ]
    summary_plan = [
        {"id": h, "title": _(HORIZON_TITLES[h]), "actions": [a for a in first_actions if a["horizon_id"] == h]}
        for h in HORIZONS
    ]

    traits = town_traits(answers)
    cases = [_case_view(sc, dims, traits, content, _) for sc in result.similar_cases if sc.similarity > 0]
    cases = cases[:REPORT_CASES]

    appendix = []
    groups = [(_("Town profile"), content.bank.profile)] + [(d.title, d.questions) for d in content.dimensions]
    for title, questions in groups:
        rows = []
        for q in questions:
            visible = is_visible(q, answers)
            rows.append(
                {
                    "question": q.text,
                    "answer": answer_text(q, answers.get(q.id), _) if visible else _(DOES_NOT_APPLY),
                    "known": visible and is_known(answers.get(q.id)),
                }
            )
        appendix.append({"title": title, "rows": rows})

    axes = [chart.Axis(d["number"], d["title"], d["score_value"]) for d in dims]
    bands = chart.bands_from_levels([(lv.label, lv.min) for lv in content.levels])
    svg = chart.radar_svg(axes, bands, title=_("Readiness scores by dimension"))  # no user text in the SVG

    nearest = dict(cases[0], summary=_first_sentences(cases[0]["summary"])) if cases else None
    return ReportView(
        content=content,
        result=result,
        meta=meta,
        title=_("Creative cluster readiness: %(town)s") % {"town": meta.town},
        author=_("%(town)s self-assessment") % {"town": meta.town},
        created_iso=meta.created.isoformat(),
        created_words=date_words(meta.created, meta.language),
        overall=points_text(result.overall),
        level=result.level,
        levels=[
            {"label": lv.label, "min": points_text(lv.min), "max": points_text(b.high - 1) if b.high < 100 else "100", "description": lv.description}
            for lv, b in zip(content.levels, bands)
        ],
        dimensions=dims,
        findings=findings,
        risks=risks,
        strengths=strengths,
        top_risks=[by_id[f.id] for f in summary.risks],
        top_strengths=[by_id[f.id] for f in summary.strengths],
        first_actions=first_actions,
        priorities=priorities,
        priorities_are_strengths=not summary.risks,
        summary_plan=[h for h in summary_plan if h["actions"]],
        edition=meta.edition,
        nearest=nearest,
        horizons=horizons,
        data_gaps=[_data_gap_view(g, _) for g in result.data_gaps],
        cases=cases,
        appendix=appendix,
        documents=SEED_DOCUMENTS,
        bibliography=bibliography_view(content, _, meta.language),
        priority_ids=[f.id for f in summary.findings],
        priority_method=_(PRIORITY_METHOD),
        chart_svg=Markup(svg),  # built from numbers and escaped titles in chart.py
        screen_chart_svg=Markup(chart.radar_svg(axes, bands, title=_("Readiness scores by dimension"), style=chart.SCREEN)),
        answered=sum(d.answered for d in result.dimensions),
        applicable=sum(d.applicable for d in result.dimensions),
        profile_weight=f"{PROFILE_WEIGHT * 100:.0f}",
        traits_weight=f"{TRAITS_WEIGHT * 100:.0f}",
        not_documented=_(NOT_DOCUMENTED),
        running=_running_words(_),
        group=meta.group,
        peers=meta.peers,
        changes=changes_view(content, meta.previous, result, _, answer_text,
                                date_words(meta.previous.date, meta.language)) if meta.previous else None,
        glossary=_glossary_view(content, [dims, findings, cases, appendix, horizons]),
    )


# The documents' own words: the glossary explains the report's, not the quotes'.
_QUOTED = frozenset({"sources", "quote", "quotes", "evidence"})


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key not in _QUOTED:
                yield from _texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)


def _glossary_view(content: Content, parts: list[Any]) -> list[dict[str, str]]:
    """The full report's glossary: each term its pages name, explained once."""
    if content.glossary is None:
        return []
    return [{"id": t.id, "term": t.term, "definition": t.definition} for t in content.glossary.used_in(_texts(parts))]


def _first_sentences(text: str, limit: int = 320) -> str:
    """The first sentence(s) of a text, within ``limit`` characters where possible:
    the executive summary must stay on one page. A sentence ends at . ! or ?
    followed by a capital letter (any alphabet: “É”, “Ü”…)."""
    sentences: list[str] = []
    for part in re.split(r"(?<=[.!?])\s+", text.strip()):
        if sentences and not part[:1].isupper():
            sentences[-1] += " " + part
        else:
            sentences.append(part)
    out = sentences[0]
    for sentence in sentences[1:]:
        if len(out) + 1 + len(sentence) > limit:
            break
        out += " " + sentence
    return out
