"""Where the project's files are: the content, the templates and the catalogs.

From a checkout they are the repository's own folders (``questions/``,
``rules/``, ``cases/``, ``translations/``, ``templates/``); an installed package
(``pip install .``) carries copies of them as package data in ``readiness/data``.
``READINESS_CONTENT_DIR`` points the loader at another content folder.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = PACKAGE_DIR.parent
_INSTALLED = PACKAGE_DIR / "data"


def _data_root() -> Path:
    if (_CHECKOUT / "questions" / "_bank.yaml").is_file():
        return _CHECKOUT
    return _INSTALLED


# The folder holding questions/, rules/, cases/, translations/ and templates/.
DATA_ROOT = _data_root()
TEMPLATES_DIR = DATA_ROOT / "templates"
TRANSLATIONS_DIR = DATA_ROOT / "translations"
