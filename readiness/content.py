"""The one loader of content: question bank, rules and case studies from YAML.

Layout (relative to the content root, the repository by default):

    questions/_bank.yaml      version and the ordered list of dimensions
    questions/profile.yaml    questions about the town itself (not scored)
    questions/<dim>.yaml      the questions of one dimension
    rules/levels.yaml         readiness levels (score thresholds)
    rules/*.yaml              rules (any file name, key ``rules``)
    cases/*.yaml              one case study per file

Errors name the file, the line and the id, so that a policy person editing a
YAML file can find the mistake.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable, Iterator

import yaml
from pydantic import ValidationError

from .bibliography import BIBLIOGRAPHY_FILE, Bibliography
from .i18n import REPO_ROOT as I18N_REPO_ROOT
from .i18n import ContentTranslation, TranslationError, iter_languages, load_translation, localize
from .lint import structural_problems
from .models import Bank, CaseStudy, Dimension, Level, Question, Rule

REPO_ROOT = I18N_REPO_ROOT  # one definition, in i18n (imported by this module)
LINE_KEY = "__line__"


def default_content_root() -> Path:
    return Path(os.environ.get("READINESS_CONTENT_DIR", REPO_ROOT))


class ContentError(Exception):
    """Content that cannot be loaded; ``problems`` holds one message per mistake."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line of every mapping (1-based)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _strip_lines(v) for k, v in data.items() if k != LINE_KEY}
    if isinstance(data, list):
        return [_strip_lines(v) for v in data]
    return data


def _path_nodes(raw: Any, loc: Iterable[Any]) -> Iterator[Any]:
    """The nodes of ``raw`` along pydantic's error path ``loc``, outermost first."""
    node = raw
    yield node
    for key in loc:
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            continue  # pydantic adds union-branch names to the path; skip them
        yield node


def _line_at(raw: Any, loc: Iterable[Any]) -> int | None:
    """The line of the deepest mapping on the path ``loc`` through ``raw``."""
    lines = [n[LINE_KEY] for n in _path_nodes(raw, loc) if isinstance(n, dict) and LINE_KEY in n]
    return lines[-1] if lines else None


def _id_at(raw: Any, loc: Iterable[Any]) -> str | None:
    """The id of the deepest item with an ``id`` on the path ``loc``."""
    ids = [n["id"] for n in _path_nodes(raw, loc) if isinstance(n, dict) and isinstance(n.get("id"), str)]
    return ids[-1] if ids else None


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError([f"{path}: cannot read: {exc.strerror}"]) from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ContentError([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from exc


def _validate(model: type, raw: Any, path: Path, root: Path) -> Any:
    """Validate ``raw`` against ``model``, turning errors into file:line messages."""
    try:
        return model.model_validate(_strip_lines(raw))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            line = _line_at(raw, err["loc"])
            ident = _id_at(raw, err["loc"])
            where = f"{_rel(path, root)}:{line}" if line else _rel(path, root)
            field_path = ".".join(str(p) for p in err["loc"])
            who = f" [{ident}]" if ident else ""
            problems.append(f"{where}:{who} {field_path}: {err['msg']}")
        raise ContentError(problems) from exc


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _with_lines(items: list[dict], extra: dict[str, Any] | None = None) -> list[dict]:
    """Copy each item's own line into its ``line`` field (kept out of validation noise)."""
    out = []
    for item in items or []:
        if isinstance(item, dict):
            item = {**item, "line": item.get(LINE_KEY), **(extra or {})}
        out.append(item)
    return out


@dataclass(frozen=True)
class Content:
    """Everything the engine knows: validated, cross-checked, read-only."""

    bank: Bank
    rules: list[Rule]
    cases: list[CaseStudy]
    root: Path
    files: dict[str, str] = field(default_factory=dict)  # id -> file, for messages
    translations: dict[str, ContentTranslation] = field(default_factory=dict)
    language: str = "en"
    bibliography: Bibliography | None = None  # None when sources/bibliography.yaml is absent

    @property
    def version(self) -> str:
        return self.bank.version

    @property
    def dimensions(self) -> list[Dimension]:
        return self.bank.dimensions

    @property
    def levels(self) -> list[Level]:
        return self.bank.levels

    def for_language(self, lang: str) -> "Content":
        """The same content worded in ``lang`` (English where no current translation exists)."""
        base = self.__dict__.get("_base")
        if base is not None:  # already localized: start again from the English
            return base.for_language(lang)
        if lang == "en":
            return self
        cache = self.__dict__.setdefault("_localized", {})
        if lang not in cache:
            cache[lang] = localize(self, lang)
        return cache[lang]

    def with_wording(self, bank: Bank, rules: list[Rule], cases: list[CaseStudy], language: str) -> "Content":
        fresh = dataclasses.replace(self, bank=bank, rules=rules, cases=cases, language=language)
        fresh.__dict__["digest"] = self.digest  # the files are the same
        fresh.__dict__["_base"] = self
        return fresh

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Every question by id: profile first, then dimensions in order."""
        out = {q.id: q for q in self.bank.profile}
        for dim in self.bank.dimensions:
            out.update({q.id: q for q in dim.questions})
        return out

    @cached_property
    def dimension_by_id(self) -> dict[str, Dimension]:
        return {d.id: d for d in self.bank.dimensions}

    @cached_property
    def case_by_id(self) -> dict[str, CaseStudy]:
        return {c.id: c for c in self.cases}

    @cached_property
    def rule_by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @cached_property
    def digest(self) -> str:
        """A hash of every content file: part of the report cache key."""
        h = hashlib.sha256()
        for name in sorted(self.files.values()):
            h.update(name.encode())
            h.update((self.root / name).read_bytes())
        return h.hexdigest()[:16]


def load_content(root: Path | str | None = None) -> Content:
    """Load and check all content below ``root``; raise ContentError listing every problem."""
    root = Path(root) if root else default_content_root()
    problems: list[str] = []
    files: dict[str, str] = {}

    def attempt(fn, *args):
        try:
            return fn(*args)
        except ContentError as exc:
            problems.extend(exc.problems)
            return None

    qdir, rdir, cdir = root / "questions", root / "rules", root / "cases"
    bank_raw = attempt(read_yaml, qdir / "_bank.yaml") or {}
    levels_raw = attempt(read_yaml, rdir / "levels.yaml") or {}
    profile_raw = attempt(read_yaml, qdir / "profile.yaml") or {}
    files["_bank"] = "questions/_bank.yaml"
    files["_levels"] = "rules/levels.yaml"
    files["_profile"] = "questions/profile.yaml"

    dims_raw: list[dict] = []
    for entry in (bank_raw.get("dimensions") or []) if isinstance(bank_raw, dict) else []:
        if not isinstance(entry, dict) or "id" not in entry:
            problems.append(f"questions/_bank.yaml:{_line_of(entry)}: a dimension needs an 'id'")
            continue
        path = qdir / f"{entry['id']}.yaml"
        raw = attempt(read_yaml, path) if path.exists() else None
        if raw is None:
            if not path.exists():
                problems.append(f"questions/_bank.yaml:{_line_of(entry)}: [{entry['id']}] no file {_rel(path, root)}")
            continue
        if raw.get("dimension") != entry["id"]:
            problems.append(f"{_rel(path, root)}:1: 'dimension' must be {entry['id']!r}")
        files[f"_dim_{entry['id']}"] = _rel(path, root)
        dims_raw.append(
            {
                **entry,
                "weight_rationale": raw.get("weight_rationale", entry.get("weight_rationale", "")),
                "questions": _with_lines(raw.get("questions", []), {"dimension": entry["id"]}),
                "_file": path,
                "_raw": raw,
            }
        )

    bank = None
    if not problems:
        bank_data = {
            "version": str(bank_raw.get("version", "")),
            "levels": levels_raw.get("levels", []),
            "profile": _with_lines(profile_raw.get("questions", []), {"dimension": "profile"}),
            "dimensions": [{k: v for k, v in d.items() if not k.startswith("_")} for d in dims_raw],
        }
        # Validate per file so each error names the file it is in.
        for d in dims_raw:
            attempt(_validate, Dimension, {k: v for k, v in d.items() if not k.startswith("_")}, d["_file"], root)
        attempt(_validate, Bank, {**bank_data, "dimensions": []}, qdir / "profile.yaml", root)
        if not problems:  # the whole bank: what spans dimensions (builds_on)
            bank = attempt(_validate, Bank, bank_data, qdir / "_bank.yaml", root)

    rules: list[Rule] = []
    for path in sorted(rdir.glob("*.yaml")):
        if path.name == "levels.yaml":
            continue
        raw = attempt(read_yaml, path)
        if raw is None:
            continue
        for item in _with_lines(raw.get("rules", []) if isinstance(raw, dict) else []):
            rule = attempt(_validate, Rule, item, path, root)
            if rule:
                rules.append(rule)
                files.setdefault(f"rule:{rule.id}", _rel(path, root))

    cases: list[CaseStudy] = []
    for path in sorted(cdir.glob("*.yaml")) if cdir.exists() else []:
        raw = attempt(read_yaml, path)
        if raw is None:
            continue
        case = attempt(_validate, CaseStudy, {**raw, "line": raw.get(LINE_KEY)}, path, root)
        if case:
            cases.append(case)
            files.setdefault(f"case:{case.id}", _rel(path, root))

    bibliography = None
    if (root / BIBLIOGRAPHY_FILE).exists():
        raw = attempt(read_yaml, root / BIBLIOGRAPHY_FILE)
        bibliography = attempt(_validate, Bibliography, raw, root / BIBLIOGRAPHY_FILE, root) if raw is not None else None
        files["_bibliography"] = BIBLIOGRAPHY_FILE

    translations: dict[str, ContentTranslation] = {}
    for lang in iter_languages(root):
        try:
            tr = load_translation(root, lang)
        except TranslationError as exc:
            problems.append(str(exc))
            continue
        if tr is not None:
            translations[lang] = tr
            files[f"_translation_{lang}"] = f"translations/{lang}/content.yaml"

    if problems:
        raise ContentError(problems)
    assert bank is not None
    content = Content(bank=bank, rules=rules, cases=cases, root=root, files=files, translations=translations,
                      bibliography=bibliography)

    problems = structural_problems(content)
    if problems:
        raise ContentError(problems)
    return content


def _line_of(entry: Any) -> str:
    return str(entry.get(LINE_KEY, "?")) if isinstance(entry, dict) else "?"
