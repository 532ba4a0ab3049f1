"""Translations of the content's wording, kept apart from the logic.

``translations/<lang>/content.yaml`` holds, per id, the translated wording of
dimensions, levels, questions (text, help, unit, option labels, data gap),
rules (title, explanation, recommendations) and case studies (summary, period,
statements). Ids, scores, weights and conditions stay in questions/, rules/
and cases/: a translator never touches scoring.

A file with ``complete: true`` declares the language ready for officers: lint
then fails on any missing or stale entry. Every entry records ``en_hash``, a short hash of the English wording it
translates. When the English changes, the hash no longer matches and lint
reports the translation as stale; an entry with ``en_hash: null`` is a draft
(counted as missing). Quotes from the source documents are never translated.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import yaml
from pydantic import ValidationError

from .bibliography import Bibliography
from .catalogs import TRANSLATIONS_DIR, compile_catalogs, ui_catalog_gaps, ui_translations  # noqa: F401 - re-exported
from .translation_models import (  # noqa: F401 - the schema, re-exported
    CaseText,
    ContentTranslation,
    DataGapText,
    DimensionText,
    GlossaryText,
    LevelText,
    QuestionText,
    RecommendationText,
    RuleText,
    _Entry,
)

if TYPE_CHECKING:
    from .content_model import Content

LANGUAGES: dict[str, str] = {"en": "English", "pt": "Português", "it": "Italiano"}
FILE_NAME = "content.yaml"


STATEMENT_GROUPS = ("what_they_did", "resources", "results", "difficulties", "transferable")
SECTIONS = ("dimensions", "levels", "questions", "rules", "cases", "glossary", "sources")


# --------------------------------------------------------------------------- English wording


def english_entries(content: "Content") -> dict[str, dict[str, dict[str, Any]]]:
    """The English wording of every translatable item, in the translation files' shape."""
    out: dict[str, dict[str, dict[str, Any]]] = {s: {} for s in SECTIONS}
    for d in content.dimensions:
        out["dimensions"][d.id] = {"title": d.title, "summary": d.summary}
    for lv in content.levels:
        out["levels"][lv.id] = {"label": lv.label, "description": lv.description}
    for q in content.questions.values():
        entry: dict[str, Any] = {"text": q.text, "help": q.help}
        if q.unit:
            entry["unit"] = q.unit
        if q.options:
            entry["options"] = {o.value: o.label for o in q.options}
        if q.data_gap:
            entry["data_gap"] = {"find_out": q.data_gap.find_out, "ask": q.data_gap.ask}
        out["questions"][q.id] = entry
    for r in content.rules:
        out["rules"][r.id] = {
            "title": r.title,
            "explanation": r.explanation,
            "recommendations": [{"action": x.action, "lead": x.lead, "indicator": x.indicator} for x in r.recommendations],
        }
    for c in content.cases:
        entry = {"summary": c.summary, "period": c.period, "place": c.place, "country": c.country}
        if c.short_place:
            entry["short_place"] = c.short_place
        if c.resources_note:
            entry["resources_note"] = c.resources_note
        statements = {g: [s.text for s in getattr(c, g)] for g in STATEMENT_GROUPS if getattr(c, g)}
        if statements:
            entry["statements"] = statements
        notes = {dim: j.note for dim, j in c.profile.items() if j is not None}
        if notes:
            entry["profile_notes"] = notes
        out["cases"][c.id] = entry
    for term in content.glossary.terms if content.glossary else []:
        # matches: the spellings the translated texts use; free per language, so not part of the English
        out["glossary"][term.id] = {"term": term.term, "definition": term.definition}
    for doc in content.bibliography.documents if content.bibliography else []:
        out["sources"][str(doc.number)] = {"short": doc.short, "described_as": doc.described_as}
    return out


def en_hash(entry: dict[str, Any]) -> str:
    wording = {k: v for k, v in entry.items() if k != "en_hash"}
    return hashlib.sha256(json.dumps(wording, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


def _shape(value: Any) -> Any:
    """The structure of an entry (keys and list lengths), to check a translation matches."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return "text"


# --------------------------------------------------------------------------- loading


class TranslationError(ValueError):
    """A translation file that cannot be read or does not fit the schema."""


def translation_path(root: Path, lang: str) -> Path:
    return root / TRANSLATIONS_DIR / lang / FILE_NAME


def load_translation(root: Path, lang: str) -> ContentTranslation | None:
    path = translation_path(root, lang)
    if not path.exists():
        return None
    return parse_translation(path.read_text(encoding="utf-8"), str(path.relative_to(root)))


def parse_translation(text: str, where: str) -> ContentTranslation:
    """A translation file's text, validated; ``where`` names it in the error."""
    try:
        data = yaml.load(text, Loader=_FastSafeLoader) or {}  # noqa: S506 - a safe loader
        return ContentTranslation.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise TranslationError(f"{where}: {exc}") from exc


# libyaml's parser where PyYAML was built with it (~20x faster than the pure-Python one).
_FastSafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class TranslationStatus:
    language: str
    total: int = 0
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def translated(self) -> int:
        return self.total - len(self.missing) - len(self.stale) - len(self.mismatched)


def translation_status(content: "Content", lang: str) -> TranslationStatus:
    english = english_entries(content)
    tr = content.translations.get(lang)
    status = TranslationStatus(lang)
    for section in SECTIONS:
        if (section == "glossary" and content.glossary is None) or (section == "sources" and content.bibliography is None):
            continue  # a content folder without glossary or bibliography: its translations have nothing to match
        theirs = getattr(tr, section) if tr else {}
        for item_id, entry in english[section].items():
            status.total += 1
            key = f"{section}.{item_id}"
            t = theirs.get(item_id)
            if t is None or t.en_hash is None:
                status.missing.append(key)
            elif t.en_hash != en_hash(entry):
                status.stale.append(key)
            elif _shape(_translated_fields(t, entry)) != _shape(entry):
                status.mismatched.append(key)
        status.unknown += [f"{section}.{i}" for i in theirs if i not in english[section]]
    return status


def _translated_fields(t: _Entry, english: dict[str, Any]) -> dict[str, Any]:
    data = t.model_dump(exclude={"en_hash"}, exclude_none=True)
    return {k: data.get(k) for k in english}


# --------------------------------------------------------------------------- applying


def _apply(model: Any, updates: dict[str, Any]) -> Any:
    return model.model_copy(update={k: v for k, v in updates.items() if v not in (None, "", {}, [])})


def localize(content: "Content", lang: str) -> "Content":
    """A copy of the content with the wording of ``lang`` where a current translation exists.

    Stale or missing entries keep the English wording: better English than a
    translation of text that has since changed.
    """
    tr = content.translations.get(lang)
    if lang == "en" or tr is None:
        return content
    english = english_entries(content)

    def current(section: str, item_id: str) -> Any:
        t = getattr(tr, section).get(item_id)
        if t is None or t.en_hash is None or t.en_hash != en_hash(english[section][item_id]):
            return None
        return t

    def question(q: Any) -> Any:
        t = current("questions", q.id)
        if t is None:
            return q
        options = [o.model_copy(update={"label": t.options.get(o.value, o.label)}) for o in q.options]
        gap = q.data_gap.model_copy(update=t.data_gap.model_dump()) if (q.data_gap and t.data_gap) else q.data_gap
        return _apply(q, {"text": t.text, "help": t.help, "unit": t.unit, "options": options, "data_gap": gap})

    dims = []
    for d in content.dimensions:
        t = current("dimensions", d.id)
        d2 = _apply(d, {"title": t.title, "summary": t.summary}) if t else d
        dims.append(d2.model_copy(update={"questions": [question(q) for q in d.questions]}))
    levels = []
    for lv in content.levels:
        t = current("levels", lv.id)
        levels.append(_apply(lv, {"label": t.label, "description": t.description}) if t else lv)
    bank = content.bank.model_copy(
        update={"dimensions": dims, "levels": levels, "profile": [question(q) for q in content.bank.profile]}
    )

    rules = []
    for r in content.rules:
        t = current("rules", r.id)
        if t is None:
            rules.append(r)
            continue
        recs = [rec.model_copy(update=x.model_dump()) for rec, x in zip(r.recommendations, t.recommendations)]
        rules.append(_apply(r, {"title": t.title, "explanation": t.explanation, "recommendations": recs}))

    cases = []
    for c in content.cases:
        t = current("cases", c.id)
        if t is None:
            cases.append(c)
            continue
        updates: dict[str, Any] = {"summary": t.summary, "period": t.period, "place": t.place,
                                   "country": t.country, "short_place": t.short_place or c.short_place,
                                   "resources_note": t.resources_note}
        for group in STATEMENT_GROUPS:
            texts = t.statements.get(group)
            if texts:
                updates[group] = [s.model_copy(update={"text": x}) for s, x in zip(getattr(c, group), texts)]
        if t.profile_notes:
            updates["profile"] = {
                dim: (j.model_copy(update={"note": t.profile_notes.get(dim, j.note)}) if j else None)
                for dim, j in c.profile.items()
            }
        cases.append(_apply(c, updates))

    glossary = content.glossary
    if glossary is not None:
        terms = []
        for term in glossary.terms:
            t = current("glossary", term.id)
            # a translated term matches its own spellings, and the English ones (names like URBACT stay)
            terms.append(_apply(term, {"term": t.term, "definition": t.definition,
                                       "matches": _spellings(term, t)}) if t else term)
        glossary = glossary.model_copy(update={"terms": terms})

    bibliography = content.bibliography
    if bibliography is not None:
        documents = []
        for doc in bibliography.documents:
            t = current("sources", str(doc.number))
            documents.append(_apply(doc, {"short": t.short, "described_as": t.described_as}) if t else doc)
        bibliography = Bibliography(documents=documents)  # a new object: by_name is cached per instance

    # The same files, worded in another language: digest and variants carry over.
    return dataclasses.replace(content, bank=bank, rules=rules, cases=cases, glossary=glossary,
                               bibliography=bibliography, language=lang)


def _spellings(term: Any, t: GlossaryText) -> list[str]:
    seen = {t.term}
    out = []
    for s in [*t.matches, *term.spellings]:
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


# --------------------------------------------------------------------------- scaffolding


def scaffold(content: "Content", lang: str) -> dict[str, Any]:
    """The translation file for ``lang`` with every missing entry added as a draft.

    Existing entries are kept as they are; new ones carry the English wording
    and ``en_hash: null`` until a translator marks them done.
    """
    english = english_entries(content)
    tr = content.translations.get(lang)
    out: dict[str, Any] = {"language": lang, "complete": bool(tr and tr.complete)}
    for section in SECTIONS:
        existing = getattr(tr, section) if tr else {}
        out[section] = {}
        for item_id, entry in english[section].items():
            if item_id in existing:
                out[section][item_id] = existing[item_id].model_dump(exclude_none=True, exclude_defaults=False)
            else:
                out[section][item_id] = {"en_hash": None, **entry}
    return out


def mark_current(data: dict[str, Any], content: "Content", ids: set[str] | None = None) -> int:
    """Set ``en_hash`` of the given entries (all when ``ids`` is None) to the current English."""
    english = english_entries(content)
    marked = 0
    for section in SECTIONS:
        for item_id, entry in data.get(section, {}).items():
            key = f"{section}.{item_id}"
            if item_id in english[section] and (ids is None or key in ids):
                entry["en_hash"] = en_hash(english[section][item_id])
                marked += 1
    return marked


def iter_languages(root: Path) -> Iterator[str]:
    base = root / TRANSLATIONS_DIR
    for path in sorted(base.glob(f"*/{FILE_NAME}")) if base.exists() else []:
        yield path.parent.name
