"""The content as it was: a snapshot of its files, so that a submitted assessment is
scored and reported with the questions and rules it was answered against.

``content_files`` gathers the text of every content file (questions, rules, cases,
the bibliography, the glossary and the content and quote translations; a new kind
of content file must be added to ``SNAPSHOT_PATTERNS``: tests/test_frozen.py
checks that a snapshot loads back with the same digest); ``content_from_files`` loads such
a snapshot back through the one loader, from a private folder, with all its checks.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Mapping

from .content import load_content
from .content_model import Content

SNAPSHOT_PATTERNS = (
    "questions/*.yaml",
    "rules/*.yaml",
    "cases/*.yaml",
    "sources/*.yaml",
    "glossary/*.yaml",
    "translations/*/content.yaml",
    "translations/*/quotes.yaml",
)


def content_files(content: Content) -> dict[str, str]:
    """Every content file below the content's root, by relative path."""
    root = Path(content.root)
    files: dict[str, str] = {}
    for pattern in SNAPSHOT_PATTERNS:
        for path in sorted(root.glob(pattern)):
            files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return files


def content_from_files(files: Mapping[str, str]) -> Content:
    """The content of a snapshot (raises ContentError, naming the file, if it no longer loads)."""
    folder = Path(tempfile.mkdtemp(prefix="readiness-content-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for name, text in files.items():
        target = (folder / name).resolve()
        if not target.is_relative_to(folder.resolve()) or Path(name).suffix != ".yaml":
            raise ValueError(f"not a content file name: {name!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return load_content(folder)
