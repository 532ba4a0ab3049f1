"""The PDF report: result -> HTML (Jinja, autoescaped) -> PDF (WeasyPrint).

WeasyPrint (~0.4 s to import, Pango and fontTools in memory) is imported only by
readiness.pdf, and this module imports that only inside the functions that make a PDF:
the web app's workers import this module (cache keys, report contexts) and never load
WeasyPrint; the render workers and the CLI load it on their first PDF.

Rendering is a plain function of its inputs, in the calling process: the web app runs
it only in the task queue's worker processes (webapp/report/queue.py), which also bound
its time and memory; the command line and the tests call it directly.

Safety: every ``HTML()`` gets ``SafeURLFetcher`` (readiness.pdf), which serves only
files from the report's own asset folder and refuses everything else (no ``file:``
outside it, no network, no ``data:``, no redirects), and records what it was
asked for so tests can prove it. Everything a user typed reaches the HTML only
through Jinja's autoescape; ``ReportMeta`` caps and cleans its fields.

Caching: ``report_cache_key`` hashes what the PDF depends on (answers, town,
country, contact role, language, content digest, template version), so the
web app can store a rendered PDF once and serve it again without rendering.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from . import chart, report_view
from .content_model import Content
from .i18n import ui_translations
from .paths import TRANSLATIONS_DIR
from .lint import SEED_DOCUMENTS  # noqa: F401 - part of this module's interface
from .report_assets import ASSET_BASE, PDF_OPTIONS, REPORT_DIR, FetchRefused  # noqa: F401 - re-exported
from .report_view import ReportMeta, report_context  # noqa: F401 - re-exported
from .scoring import AssessmentResult, score_assessment

if TYPE_CHECKING:
    from .pdf import SafeURLFetcher

# The summary (at most six pages, the default) and the full report.
EDITION_TEMPLATES = {"summary": "summary.html", "full": "report.html"}


def __getattr__(name: str) -> Any:
    # ``readiness.report.SafeURLFetcher`` as before, WeasyPrint loaded only when it is asked for.
    if name == "SafeURLFetcher":
        from .pdf import SafeURLFetcher

        return SafeURLFetcher
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=8)
def _environment(language: str) -> jinja2.Environment:
    """One template environment per language: its gettext is the report's catalog."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(REPORT_DIR),
        autoescape=True,  # everything typed by a user is escaped, always
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(ui_translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def build_report_html(content: Content, result: AssessmentResult, meta: ReportMeta, inline_assets: bool = True) -> str:
    """The report's HTML. With ``inline_assets`` the stylesheet is inlined, so the
    HTML renders the same anywhere (``weasyprint OUT.html x.pdf``); without, it is
    linked and loaded through the fetcher from the report folder."""
    css = Markup((REPORT_DIR / "report.css").read_text(encoding="utf-8")) if inline_assets else None
    ctx = report_context(content, result, meta)
    template = EDITION_TEMPLATES[meta.edition]
    return _environment(meta.language).get_template(template).render(**ctx, css=css)


# --------------------------------------------------------------------------- caching


def template_version(report_dir: Path | None = None) -> str:
    """A hash of the report templates, the chart code and this module."""
    report_dir = Path(report_dir or REPORT_DIR)
    files = sorted(p for p in report_dir.rglob("*") if p.is_file())
    modules = [Path(m) for m in (chart.__file__, report_view.__file__, __file__)]
    # Read again only when a file changed (a stat each): the key is computed on every results page.
    stamp = tuple((str(p), st.st_mtime_ns, st.st_size) for p in files + modules for st in [p.stat()])
    return _hash_files(str(report_dir), stamp)


@lru_cache(maxsize=8)
def _hash_files(report_dir: str, stamp: tuple[tuple[str, int, int], ...]) -> str:
    root = Path(report_dir)
    h = hashlib.sha256()
    for name, _, _ in stamp:
        path = Path(name)
        if path.is_relative_to(root):
            h.update(path.relative_to(root).as_posix().encode())
            h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def catalog_hash(language: str) -> str:
    """A hash of the language's message catalog ("" without one), read again only when the
    file changed (a stat each, as ``template_version``): report keys are worked out per request."""
    po = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    try:
        st = po.stat()
    except FileNotFoundError:
        return ""
    return _hash_catalog(str(po), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=8)
def _hash_catalog(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def report_cache_key(content: Content, result: AssessmentResult, meta: ReportMeta) -> str:
    """The key under which a rendered PDF can be stored and served again.

    It covers what the PDF depends on: the answers, town, country, contact role,
    language, the content (its digest) and the template version. The date and
    assessment id printed on the cover are not part of it: a cached PDF keeps
    those of its first rendering.
    """
    payload = {
        "answers": result.answers,
        "town": meta.town,
        "country": meta.country,
        "contact_role": meta.contact_role,
        "language": meta.language,
        "edition": meta.edition,
        "bilingual": meta.bilingual,
        "previous": meta.previous.result.answers if meta.previous else None,
        "group": meta.group,
        "peers": meta.peers,
        "content": content.digest,
        "template": template_version(),
        # a corrected translation must not be served from an old PDF
        "catalog": catalog_hash(meta.language),
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- rendering


def render_html_to_pdf(html: str | tuple[str, ...], fetcher: SafeURLFetcher | None = None) -> bytes:
    """WeasyPrint on our HTML, in this process (readiness.pdf.render_html_to_pdf)."""
    from .pdf import render_html_to_pdf as render  # WeasyPrint only where a PDF is made

    return render(html, fetcher)


def render_pdf(content: Content, result: AssessmentResult, meta: ReportMeta,
               fetcher: SafeURLFetcher | None = None) -> bytes:
    """The report as PDF bytes. What the fetcher was asked for is in ``fetcher.requested``
    and ``fetcher.refused``."""
    html = report_documents(content, result, meta)
    return render_html_to_pdf(html[0] if len(html) == 1 else html, fetcher)


def report_documents(content: Content, result: AssessmentResult, meta: ReportMeta) -> tuple[str, ...]:
    """The HTML documents of the report: one, or the local language then English
    (bilingual is the summary only: the full report stays in one language)."""
    first = build_report_html(content, result, meta)
    if not meta.bilingual or meta.language == "en" or meta.edition != "summary":
        return (first,)
    english = content.for_language("en")
    result_en = score_assessment(english, result.answers, result.town, result.country)
    meta_en = dataclasses.replace(meta, language="en", bilingual=False, group=meta.group_en, peers=meta.peers_en,
                                  group_en=None, peers_en=None)
    return first, build_report_html(english, result_en, meta_en)
