"""The interface's strings (gettext catalogs, translations/<lang>/LC_MESSAGES/messages.po),
apart from the content's wording (readiness.i18n): compiling them, reading one language's
catalog for code outside Flask (the report, the CLI), and what a catalog still lacks."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import support

from .paths import DATA_ROOT

# The folder of the catalogs under a content root.
TRANSLATIONS_DIR = "translations"


def compile_catalogs(root: Path) -> list[Path]:
    """Compile translations/<lang>/LC_MESSAGES/messages.po into .mo where the .mo is older.

    The .mo files are build products (not committed): `make` and the test
    suite call this, so a fresh clone always serves current strings.
    """
    from babel.messages.mofile import write_mo  # noqa: PLC0415 - only needed when building
    from babel.messages.pofile import read_po  # noqa: PLC0415

    written = []
    for po in sorted((root / TRANSLATIONS_DIR).glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        with mo.open("wb") as f:
            write_mo(f, catalog)
        written.append(mo)
    return written


@lru_cache(maxsize=8)
def ui_translations(lang: str, root: Path | None = None) -> support.NullTranslations:
    """The UI catalog of ``lang`` for code outside Flask (the report, the CLI).

    Read straight from the .po file, so the core needs no build step; the web
    app's Flask-Babel reads the same catalogs compiled to .mo by `make`.
    Unknown languages and English get the identity translation.
    """
    from babel.messages.mofile import write_mo  # noqa: PLC0415 - only needed when a language is used
    from babel.messages.pofile import read_po  # noqa: PLC0415

    po = (root or DATA_ROOT) / TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not po.exists():
        return support.NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return support.Translations(buffer)


def ui_catalog_gaps(root: Path, lang: str) -> list[str]:
    """UI strings of the template (messages.pot) that ``lang``'s catalog lacks or leaves
    untranslated or fuzzy; placeholders must match too."""
    from babel.messages.pofile import read_po  # noqa: PLC0415

    pot = root / TRANSLATIONS_DIR / "messages.pot"
    po = root / TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
    if not pot.exists():
        return []
    if not po.exists():
        return [f"no UI catalog {po.relative_to(root)}"]
    with pot.open("rb") as f:
        template = read_po(f)
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang)
    gaps = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, message.context)
        strings = translated.string if translated else None
        if not translated or not strings or (isinstance(strings, tuple) and not all(strings)) or translated.fuzzy:
            gaps.append(f"untranslated UI string {_msgid(message.id)!r}")
        elif _placeholders(message.id) != _placeholders(strings):
            gaps.append(f"placeholders differ in the translation of {_msgid(message.id)!r}")
    return gaps


def _msgid(msgid: Any) -> str:
    return (msgid[0] if isinstance(msgid, tuple) else msgid)[:70]


def _placeholders(text: Any) -> set[str]:
    import re  # noqa: PLC0415

    texts = text if isinstance(text, tuple) else (text,)
    return {p for t in texts for p in re.findall(r"%\((\w+)\)[sd]", t or "") if p != "num"}
