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


# The repository when running from a checkout; None for an installed package.
CHECKOUT: Path | None = _CHECKOUT if (_CHECKOUT / "questions" / "_bank.yaml").is_file() else None

# The folder holding questions/, rules/, cases/, translations/ and templates/.
DATA_ROOT = CHECKOUT or _INSTALLED
TEMPLATES_DIR = DATA_ROOT / "templates"
TRANSLATIONS_DIR = DATA_ROOT / "translations"
