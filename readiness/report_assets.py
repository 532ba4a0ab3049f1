"""Where the report's templates and assets are, and how a PDF is written: shared by the
HTML side (readiness.report, no WeasyPrint) and the PDF side (readiness.pdf, WeasyPrint)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .paths import TEMPLATES_DIR

REPORT_DIR = TEMPLATES_DIR / "report"
ASSET_BASE = REPORT_DIR.as_uri() + "/"

# Options of WeasyPrint's write_pdf: a tagged PDF (PDF/UA-1) for screen readers.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}


class FetchRefused(ValueError):
    """The report asked for something outside its asset folder (readiness.pdf.SafeURLFetcher)."""


def mime_type(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}.get(
        path.suffix, "application/octet-stream"
    )
