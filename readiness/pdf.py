"""WeasyPrint's side of the report: the one module of the project that imports WeasyPrint.

Importing WeasyPrint costs ~0.4 s and loads Pango, HarfBuzz and fontTools into the process
(tens of MiB). The web app's workers never render (the task queue's workers do), so nothing
on their import path imports this module: ``readiness.report`` imports it inside the
functions that make a PDF, and the render worker (webapp/worker.py) and the CLI import it
when they start rendering. tests/test_lazy_weasyprint.py keeps it so.

Safety: every ``HTML()`` gets ``SafeURLFetcher``, which serves only files from the report's
own asset folder and refuses everything else (no ``file:`` outside it, no network, no
``data:``, no redirects), and records what it was asked for so tests can prove it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .report_assets import ASSET_BASE, PDF_OPTIONS, REPORT_DIR, FetchRefused, mime_type


class SafeURLFetcher(URLFetcher):
    """Deny by default: only files inside ``REPORT_DIR`` may be read."""

    def __init__(self, allowed_dir: Path = REPORT_DIR):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=1)
        self.allowed_dir = Path(allowed_dir).resolve()
        self.requested: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        parts = urlsplit(url)
        if parts.scheme == "file" and not parts.netloc and not parts.query:
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(self.allowed_dir) and path.is_file():
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime_type(path)})
        self.refused.append(url)
        raise FetchRefused(f"the report may not load {url[:80]!r}")


def render_html_to_pdf(html: str | tuple[str, ...], fetcher: SafeURLFetcher | None = None) -> bytes:
    """WeasyPrint on our HTML, in this process and without a time limit.

    Several documents (a bilingual report) are laid out one by one and their
    pages joined into one PDF; each keeps its own cover, contents and numbering.
    """
    fetcher = fetcher or SafeURLFetcher()
    if isinstance(html, str):
        return HTML(string=html, base_url=ASSET_BASE, url_fetcher=fetcher).write_pdf(**PDF_OPTIONS)
    docs = [HTML(string=h, base_url=ASSET_BASE, url_fetcher=fetcher).render(**PDF_OPTIONS) for h in html]
    return docs[0].copy([page for doc in docs for page in doc.pages]).write_pdf(**PDF_OPTIONS)
