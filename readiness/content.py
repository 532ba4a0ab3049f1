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

import hashlib
import os
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import yaml
from pydantic import BaseModel, ValidationError

from .bibliography import BIBLIOGRAPHY_FILE, Bibliography
from .glossary import GLOSSARY_FILE, Glossary
from .checks import structural_problems
from .content_model import Content
from .i18n import ContentTranslation, TranslationError, iter_languages, localize, parse_translation, translation_path
from .models import Bank, CaseStudy, Dimension, Rule
from .paths import DATA_ROOT
from .quote_translations import QUOTES_FILE, QuoteTranslations

__all__ = ["Content", "ContentError", "load_content", "read_yaml", "DATA_ROOT", "REPO_ROOT"]

# The folder of the content (and templates, catalogs): the checkout, or the installed package data.
REPO_ROOT = DATA_ROOT
LINE_KEY = "__line__"


def default_content_root() -> Path:
    return Path(os.environ.get("READINESS_CONTENT_DIR") or DATA_ROOT)


class ContentError(Exception):
    """Content that cannot be loaded; ``problems`` holds one message per mistake."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# libyaml's parser where PyYAML was built with it: ~20x faster than the pure-Python one.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    """A safe loader that remembers the line of every mapping (1-based)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    mapping = _SafeLoader.construct_mapping(loader, node, deep=True)
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


def _read_text(path: Path, seen: dict[Path, bytes] | None = None) -> str:
    """The file's text; its bytes are recorded in ``seen`` (the content digest hashes them)."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except OSError as exc:
        raise ContentError([f"{path}: cannot read: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise ContentError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from exc
    if seen is not None:
        seen[path] = data
    return text


def read_yaml(path: Path, seen: dict[Path, bytes] | None = None) -> Any:
    text = _read_text(path, seen)
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise ContentError([f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from exc


def _validate(model: type[BaseModel], raw: Any, path: Path, root: Path) -> Any:
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


def load_content(root: Path | str | None = None) -> Content:
    """Load and check all content below ``root``; raise ContentError listing every problem."""
    root = Path(root) if root else default_content_root()
    problems: list[str] = []
    files: dict[str, str] = {}
    seen: dict[Path, bytes] = {}  # every file read, for the digest

    def read(path: Path) -> Any:
        return read_yaml(path, seen)

    def attempt(fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except ContentError as exc:
            problems.extend(exc.problems)
            return None

    qdir, rdir, cdir = root / "questions", root / "rules", root / "cases"
    bank_raw = attempt(read, qdir / "_bank.yaml") or {}
    levels_raw = attempt(read, rdir / "levels.yaml") or {}
    profile_raw = attempt(read, qdir / "profile.yaml") or {}
    files["_bank"] = "questions/_bank.yaml"
    files["_levels"] = "rules/levels.yaml"
    files["_profile"] = "questions/profile.yaml"

    dims_raw: list[dict] = []
    for entry in (bank_raw.get("dimensions") or []) if isinstance(bank_raw, dict) else []:
        if not isinstance(entry, dict) or "id" not in entry:
            problems.append(f"questions/_bank.yaml:{_line_of(entry)}: a dimension needs an 'id'")
            continue
        path = qdir / f"{entry['id']}.yaml"
        raw = attempt(read, path) if path.exists() else None
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
        raw = attempt(read, path)
        if raw is None:
            continue
        for item in _with_lines(raw.get("rules", []) if isinstance(raw, dict) else []):
            rule = attempt(_validate, Rule, item, path, root)
            if rule:
                rules.append(rule)
                files.setdefault(f"rule:{rule.id}", _rel(path, root))

    cases: list[CaseStudy] = []
    for path in sorted(cdir.glob("*.yaml")) if cdir.exists() else []:
        raw = attempt(read, path)
        if raw is None:
            continue
        case = attempt(_validate, CaseStudy, {**raw, "line": raw.get(LINE_KEY)}, path, root)
        if case:
            cases.append(case)
            files.setdefault(f"case:{case.id}", _rel(path, root))

    bibliography = None
    if (root / BIBLIOGRAPHY_FILE).exists():
        raw = attempt(read, root / BIBLIOGRAPHY_FILE)
        bibliography = attempt(_validate, Bibliography, raw, root / BIBLIOGRAPHY_FILE, root) if raw is not None else None
        files["_bibliography"] = BIBLIOGRAPHY_FILE

    glossary = None
    if (root / GLOSSARY_FILE).exists():
        raw = attempt(read, root / GLOSSARY_FILE)
        if isinstance(raw, dict):
            raw = {**raw, "terms": _with_lines(raw.get("terms", []))}
        glossary = attempt(_validate, Glossary, raw, root / GLOSSARY_FILE, root) if raw is not None else None
        files["_glossary"] = GLOSSARY_FILE

    translations: dict[str, ContentTranslation] = {}
    for lang in iter_languages(root):
        path = translation_path(root, lang)
        try:
            translations[lang] = parse_translation(_read_text(path, seen), _rel(path, root))
        except (TranslationError, ContentError) as exc:
            problems.extend(exc.problems if isinstance(exc, ContentError) else [str(exc)])
            continue
        files[f"_translation_{lang}"] = _rel(path, root)
        quotes = root / QUOTES_FILE.format(lang=lang)
        if quotes.exists():
            # Checked here (a broken file is named with its line, not met by a report) and part
            # of the digest: a corrected quote translation is not served from a cached PDF.
            raw = attempt(read, quotes)
            if raw is not None:
                attempt(_validate, QuoteTranslations, raw, quotes, root)

    if problems:
        raise ContentError(problems)
    assert bank is not None
    variants: dict[str, Content] = {}
    content = Content(bank=bank, rules=rules, cases=cases, root=root, files=files, translations=translations,
                      bibliography=bibliography, glossary=glossary, digest=_digest(seen, root), variants=variants)

    problems = structural_problems(content)
    if problems:
        raise ContentError(problems)
    # Every language is worded once, here: a Content never changes after loading.
    variants["en"] = content
    for lang in translations:
        variants[lang] = localize(content, lang)
    return content


def _digest(seen: dict[Path, bytes], root: Path) -> str:
    """A hash of the files as they were read: part of the report cache key."""
    h = hashlib.sha256()
    for name, data in sorted((_rel(path, root), data) for path, data in seen.items()):
        h.update(name.encode())
        h.update(data)
    return h.hexdigest()[:16]


def _line_of(entry: Any) -> str:
    return str(entry.get(LINE_KEY, "?")) if isinstance(entry, dict) else "?"
