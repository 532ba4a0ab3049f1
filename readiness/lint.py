"""The editor's report on the content, before publishing.

``lint`` runs the structural checks of ``readiness.checks`` (which every load
runs too) and adds what an editor wants to know: quotes verbatim in their
documents, every dimension with risk and strength rules, D1-D14 and S1-S21
covered, no question that nothing uses. It also reports coverage.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .advice import repeated_advice
from .checks import all_sources, question_where, structural_problems
from .compare import TRAIT_QUESTIONS
from .conditions import leaves
from .documents import SEED_DOCUMENTS  # noqa: F401 - part of this module's interface
from .evidence import evidence_report
from .catalogs import ui_catalog_gaps
from .glossary import GLOSSARY_FILE
from .i18n import english_entries, translation_status
from .quote_translations import quote_translations, shown_quotes
from .quotes import normalise_for_quote

if TYPE_CHECKING:
    from .content_model import Content

DIFFICULTIES = [f"D{i}" for i in range(1, 15)]
SUCCESS_FACTORS = [f"S{i}" for i in range(1, 22)]


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
    for repeat in repeated_advice(content):
        second, first = repeat.second, repeat.first
        report.errors.append(
            f"{content.files.get(f'rule:{second.id}', '?')}:{second.line or '?'}: [{second.id}] its advice "
            f"repeats [{first.id}] ({repeat.score:.2f} of their words shared), and both can appear in one report: "
            f"{repeat.other_action[:60]!r} / {repeat.action[:60]!r}; merge them, or add yields_to or unless"
        )

    quotes = shown_quotes(content)
    for lang in sorted(content.translations):
        translated = quote_translations(content.root, lang)
        missing = len(quotes - set(translated))
        if missing:
            report.notes.append(f"{lang}: {missing} of {len(quotes)} quotes have no translation "
                                f"(translations/{lang}/quotes.yaml; reports then show the original only)")
        for stale in sorted(set(translated) - quotes):
            report.notes.append(f"{lang}: translations/{lang}/quotes.yaml translates a quote the content no longer has: {stale[:60]!r}")

    if sources_dir is None or not sources_dir.is_dir():
        report.notes.append(
            "quotes not checked: no source documents given"
            + (f" ({sources_dir} is not a folder)" if sources_dir else " (use --sources DIR)")
        )
    else:
        texts: dict[str, str] = {}
        for where, src in all_sources(content):
            if src.document not in texts:
                path = sources_dir / src.document
                texts[src.document] = normalise_for_quote(path.read_text(encoding="utf-8")) if path.exists() else ""
                if not path.exists():
                    report.errors.append(f"{where}: source document {src.document} not found in {sources_dir}")
            if texts[src.document] and normalise_for_quote(src.quote) not in texts[src.document]:
                report.errors.append(f"{where}: quote not found verbatim in {src.document}: {src.quote!r}")
            if "**" in src.quote:  # the page's Markdown bold: the report would print the stars
                report.errors.append(f"{where}: quote keeps the document's Markdown bold (**): leave the stars out: {src.quote!r}")

    evidence = evidence_report(content, sources_dir)  # furniture, case attribution, aims, review records
    report.errors += evidence.errors
    report.notes += evidence.notes
    for c in content.cases:
        if not c.short_place:
            report.errors.append(f"{content.files.get(f'case:{c.id}', '?')}: [{c.id}]: no short_place, the place a mention "
                                 "prints after the case's name (\"Mons, Belgium\") [case]")

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
        if q.score_bands_by is not None:
            used.add(q.score_bands_by.question)
    for q in content.questions.values():
        if not q.scored and q.id not in used and q.type.value != "text":
            report.errors.append(f"{question_where(content, q)}: [{q.id}] no score, rule or comparison uses this question")

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

    report.errors += unexplained_acronyms(content)

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


def _wording(entry: object) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, dict):
        return [text for value in entry.values() for text in _wording(value)]
    if isinstance(entry, list):
        return [text for value in entry for text in _wording(value)]
    return []


def unexplained_acronyms(content: "Content") -> list[str]:
    """Every acronym an officer reads (questions, help, options, rules, advice, case studies,
    in every language offered) is explained by the glossary: a mention of one of its terms."""
    problems = []
    for lang in ["en", *sorted(code for code, tr in content.translations.items() if tr.complete)]:
        worded = content.for_language(lang)
        if worded.glossary is None:
            return []
        entries = english_entries(worded)
        entries.pop("glossary")  # the definitions are the explanations
        entries["cases"] = {c.id: {**entries["cases"].get(c.id, {}), "name": c.name} for c in worded.cases}
        for section, items in entries.items():
            for item_id, entry in items.items():
                for acronym in sorted({a for text in _wording(entry) for a in worded.glossary.unexplained(text)}):
                    problems.append(f"{GLOSSARY_FILE}: {acronym!r} ({lang}, {section}.{item_id}) has no glossary "
                                    f"entry: add a term (or a spelling to `matches` of one) that explains it")
    return problems
