"""Build hook: the content and templates travel inside the wheel.

The top-level folders stay where the design puts them (questions/, rules/, ...);
building copies them into ``readiness/data/`` of the wheel, where
``readiness.paths`` finds them when the package is installed, and compiles the
UI catalogs (.po -> .mo) there for Flask-Babel. Everything else is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Read by readiness.paths.DATA_ROOT once installed: content, templates, UI catalogs.
DATA_FOLDERS = ("questions", "rules", "cases", "sources", "glossary", "translations", "templates")


class build_py_with_data(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "readiness" / "data"
        for folder in DATA_FOLDERS:
            if (ROOT / folder).is_dir():
                shutil.rmtree(target / folder, ignore_errors=True)
                shutil.copytree(ROOT / folder, target / folder,
                                ignore=shutil.ignore_patterns("*.mo", "__pycache__", "*.pyc"))
        _compile_catalogs(target / "translations")


def _compile_catalogs(translations: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        with po.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)


setup(cmdclass={"build_py": build_py_with_data})
