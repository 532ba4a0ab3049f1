"""Checks of the content beyond its schema.

``structural_problems`` runs on every load (the app never starts on broken
content): unique ids, every reference resolves, operators are known.
``lint`` adds what an editor wants to know before publishing: quotes verbatim
in their documents, every dimension with risk and strength rules, D1-D14 and
S1-S21 covered, no question that nothing uses. It also reports coverage.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .compare import TRAIT_QUESTIONS
from .conditions import ALL_OPERATORS, leaves
from .evidence import evidence_report
from .i18n import translation_status, ui_catalog_gaps
from .models import DIMENSION_IDS, Condition, Question, Source
from .quotes import normalise_for_quote

if TYPE_CHECKING:
    from .content import Content

DIFFICULTIES = [f"D{i}" for i in range(1, 15)]
SUCCESS_FACTORS = [f"S{i}" for i in range(1, 22)]
SEED_DOCUMENTS = {
    "000_c8bf369c45f381b7.txt": "CreativeCH workshop report: critical factors for creative clusters and cultural heritage (Stuttgart, 2012)",
    "001_ce7381cf6abf7c69.txt": "URBACT Creative Clusters: first thematic workshop, diversifying the local economic base (Ploiești, 2009)",
    "002_c60309014ff32336.txt": "TALIA / Interreg MED newsletter: Creative Clusters",
    "003_5359a68c26c8ed2c.txt": "URBACT Creative Clusters project page: creative clusters in low-density urban areas",
    "004_1abee1b91b2d696e.txt": "CREADIS3 (Interreg Europe) good practice: Creative Valley, the creative hub of Mons",
}


def _where(content: "Content", key: str, line: int | None) -> str:
    file = content.files.get(key, "?")
    return f"{file}:{line}" if line else file


def _question_where(content: "Content", q: Question) -> str:
    key = "_profile" if q.dimension == "profile" else f"_dim_{q.dimension}"
    return _where(content, key, q.line)


def _condition_problems(content: "Content", cond: Condition, where: str, allow_scores: bool) -> list[str]:
    problems = []
    for leaf in leaves(cond):
        if leaf.op not in ALL_OPERATORS:
            problems.append(f"{where}: unknown operator {leaf.op!r} (known: {', '.join(sorted(ALL_OPERATORS))})")
        if leaf.answer:
            q = content.questions.get(leaf.answer)
            if q is None:
                problems.append(f"{where}: condition names unknown question {leaf.answer!r}")
                continue
            for value in leaf.value if isinstance(leaf.value, list) else [leaf.value]:
                if q.options and isinstance(value, str) and q.option(value) is None:
                    problems.append(f"{where}: question {q.id!r} has no option {value!r}")
        elif leaf.dimension and leaf.dimension not in content.dimension_by_id:
            problems.append(f"{where}: condition names unknown dimension {leaf.dimension!r}")
        if (leaf.dimension or leaf.overall) and not allow_scores:
            problems.append(f"{where}: show_if may only look at answers, not scores")
    return problems


def structural_problems(content: "Content") -> list[str]:
    problems: list[str] = []
    dim_ids = [d.id for d in content.dimensions]
    if sorted(dim_ids) != sorted(DIMENSION_IDS) or len(dim_ids) != len(set(dim_ids)):
        problems.append(
            f"questions/_bank.yaml: the dimensions must be exactly {', '.join(DIMENSION_IDS)} (got {', '.join(dim_ids)})"
        )
    all_questions = [*content.bank.profile, *(q for d in content.dimensions for q in d.questions)]
    for qid, n in Counter(q.id for q in all_questions).items():
        if n > 1:
            dupes = [_question_where(content, q) for q in all_questions if q.id == qid]
            problems.append(f"{dupes[-1]}: [{qid}] duplicate question id (also at {dupes[0]})")
    for q in all_questions:
        if q.show_if is not None:
            problems += _condition_problems(content, q.show_if, f"{_question_where(content, q)}: [{q.id}] show_if", False)
    for rid, n in Counter(r.id for r in content.rules).items():
        if n > 1:
            problems.append(f"{content.files.get(f'rule:{rid}', '?')}: [{rid}] duplicate rule id")
    for r in content.rules:
        where = f"{_where(content, f'rule:{r.id}', r.line)}: [{r.id}]"
        if r.dimension not in content.dimension_by_id:
            problems.append(f"{where} unknown dimension {r.dimension!r}")
        problems += _condition_problems(content, r.when, f"{where} when", True)
        for case_id in r.cases:
            if case_id not in content.case_by_id:
                problems.append(f"{where} unknown case study {case_id!r}")
    for cid, n in Counter(c.id for c in content.cases).items():
        if n > 1:
            problems.append(f"cases: [{cid}] duplicate case id")
    for src in _all_sources(content):
        if src[1].document not in SEED_DOCUMENTS:
            problems.append(f"{src[0]}: unknown source document {src[1].document!r}")
    return problems


def _all_sources(content: "Content") -> Iterable[tuple[str, Source]]:
    for q in content.questions.values():
        for s in q.sources:
            yield f"{_question_where(content, q)}: [{q.id}]", s
    for r in content.rules:
        for s in r.sources:
            yield f"{_where(content, f'rule:{r.id}', r.line)}: [{r.id}]", s
    for c in content.cases:
        where = f"{content.files.get(f'case:{c.id}', '?')}: [{c.id}]"
        for s in c.sources:
            yield where, s
        for group in (c.what_they_did, c.resources, c.results, c.difficulties, c.transferable):
            for statement in group:
                for s in statement.sources:
                    yield where, s
        for judgement in c.profile.values():
            for s in judgement.sources if judgement else []:
                yield where, s


@dataclass
class LintReport:
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    coverage: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def lint(content: "Content", sources_dir: Path | None) -> LintReport:
    report = LintReport(errors=structural_problems(content))

    if sources_dir is None or not sources_dir.is_dir():
        report.notes.append(
            "quotes not checked: no source documents given"
            + (f" ({sources_dir} is not a folder)" if sources_dir else " (use --sources DIR)")
        )
    else:
        texts: dict[str, str] = {}
        for where, src in _all_sources(content):
            if src.document not in texts:
                path = sources_dir / src.document
                texts[src.document] = normalise_for_quote(path.read_text(encoding="utf-8")) if path.exists() else ""
                if not path.exists():
                    report.errors.append(f"{where}: source document {src.document} not found in {sources_dir}")
            if texts[src.document] and normalise_for_quote(src.quote) not in texts[src.document]:
                report.errors.append(f"{where}: quote not found verbatim in {src.document}: {src.quote!r}")

    evidence = evidence_report(content, sources_dir)  # furniture, case attribution, aims, review records
    report.errors += evidence.errors
    report.notes += evidence.notes

    for dim in content.dimensions:
        kinds = {r.kind for r in content.rules if r.dimension == dim.id}
        for kind in ("risk", "strength"):
            if kind not in kinds:
                report.errors.append(f"{content.files.get(f'_dim_{dim.id}')}: dimension {dim.id!r} has no {kind} rule")

    codes = Counter(code for r in content.rules for code in r.codes)
    risk_codes = {code for r in content.rules if r.kind == "risk" for code in r.codes}
    for code in DIFFICULTIES:
        if code not in risk_codes:
            report.errors.append(f"rules: difficulty {code} drives no risk rule")
    for code in SUCCESS_FACTORS:
        if code not in codes:
            report.errors.append(f"rules: success factor {code} drives no rule")
    for code in codes:
        if code not in DIFFICULTIES and code not in SUCCESS_FACTORS:
            report.errors.append(f"rules: unknown code {code} (D1-D14, S1-S21)")

    used = set(TRAIT_QUESTIONS)
    for r in content.rules:
        used |= {leaf.answer for leaf in leaves(r.when) if leaf.answer}
    for q in content.questions.values():
        if q.show_if is not None:
            used |= {leaf.answer for leaf in leaves(q.show_if) if leaf.answer}
    for q in content.questions.values():
        if not q.scored and q.id not in used and q.type.value != "text":
            report.errors.append(f"{_question_where(content, q)}: [{q.id}] no score, rule or comparison uses this question")

    translations = {}
    for lang, tr in sorted(content.translations.items()):
        status = translation_status(content, lang)
        translations[lang] = {"complete": tr.complete, "entries": status.total, "translated": status.translated,
                              "missing": len(status.missing), "stale": len(status.stale)}
        where = content.files.get(f"_translation_{lang}", lang)
        problems = [f"{where}: {kind} translation of {key}" for kind, keys in
                    (("missing", status.missing), ("stale", status.stale), ("mismatched", status.mismatched),
                     ("unknown id in", status.unknown)) for key in keys]
        ui_gaps = ui_catalog_gaps(content.root, lang)
        translations[lang]["ui_strings_missing"] = len(ui_gaps)
        problems += [f"translations/{lang}/LC_MESSAGES/messages.po: {gap}" for gap in ui_gaps]
        if tr.complete:
            report.errors += problems
        elif problems:
            report.notes.append(f"{where}: draft language: {status.translated} of {status.total} entries translated")

    report.coverage = {
        "version": content.version,
        "questions_per_dimension": {d.id: len(d.questions) for d in content.dimensions},
        "profile_questions": len(content.bank.profile),
        "rules_per_dimension": {
            d.id: {k: sum(1 for r in content.rules if r.dimension == d.id and r.kind == k) for k in ("risk", "strength")}
            for d in content.dimensions
        },
        "rules": len(content.rules),
        "difficulties_covered": sorted((c for c in DIFFICULTIES if c in risk_codes), key=lambda c: int(c[1:])),
        "success_factors_covered": sorted((c for c in SUCCESS_FACTORS if c in codes), key=lambda c: int(c[1:])),
        "cases": [c.id for c in content.cases],
        "translations": translations,
    }
    return report
