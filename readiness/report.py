"""The PDF report: result -> HTML (Jinja, autoescaped) -> PDF (WeasyPrint).

WeasyPrint is imported once, when this module is first imported (it costs
~0.4 s): the CLI imports this module only for ``readiness report``; the web app
imports it at start-up.

Safety: every ``HTML()`` gets ``SafeURLFetcher``, which serves only files from
the report's own asset folder and refuses everything else (no ``file:``
outside it, no network, no ``data:``), and records what it was asked for so
tests can prove it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .content import REPO_ROOT, Content
from .lint import SEED_DOCUMENTS
from .scoring import AssessmentResult

REPORT_DIR = REPO_ROOT / "templates" / "report"
ASSET_BASE = REPORT_DIR.as_uri() + "/"


class FetchRefused(ValueError):
    pass


class SafeURLFetcher(URLFetcher):
    """Deny by default: only files inside ``REPORT_DIR`` may be read."""

    def __init__(self, allowed_dir: Path = REPORT_DIR):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=1)
        self.allowed_dir = allowed_dir.resolve()
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        parts = urlsplit(url)
        if parts.scheme == "file" and not parts.netloc:
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(self.allowed_dir) and path.is_file():
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": _mime(path)})
        self.refused.append(url)
        raise FetchRefused(f"the report may not load {url[:80]!r}")


def _mime(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}.get(
        path.suffix, "application/octet-stream"
    )


@dataclass(frozen=True)
class ReportMeta:
    town: str
    country: str
    assessment_id: str
    created: dt.date
    contact_role: str = ""
    language: str = "en"
    extra: dict = field(default_factory=dict)

    @classmethod
    def for_cli(cls, town: str, country: str) -> "ReportMeta":
        return cls(town=town, country=country, assessment_id="cli", created=dt.date.today())


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(REPORT_DIR),
    autoescape=True,  # everything typed by a user is escaped, always
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def build_report_html(content: Content, result: AssessmentResult, meta: ReportMeta, inline_assets: bool = True) -> str:
    css = (REPORT_DIR / "report.css").read_text(encoding="utf-8")
    return _env.get_template("report.html").render(
        content=content, result=result, meta=meta, css=css, documents=SEED_DOCUMENTS
    )


def render_pdf(
    content: Content, result: AssessmentResult, meta: ReportMeta, fetcher: SafeURLFetcher | None = None
) -> bytes:
    html = build_report_html(content, result, meta)
    doc = HTML(string=html, base_url=ASSET_BASE, url_fetcher=fetcher or SafeURLFetcher())
    return doc.write_pdf()
