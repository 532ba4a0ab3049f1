"""The PDF report: result -> HTML (Jinja, autoescaped) -> PDF (WeasyPrint).

WeasyPrint is imported once, when this module is first imported (it costs
~0.4 s): the CLI imports this module only for ``readiness report``; the web app
imports it at start-up.

Rendering runs in a warm worker process (``_RendererPool``): the worker is
started on the first render (or by ``warm_up()``), keeps WeasyPrint imported
and its font caches warm, and renders one report at a time. The caller waits
at most ``timeout`` seconds (``RenderSettings.timeout`` by default: what the
web app passed to ``configure``, else ``READINESS_RENDER_TIMEOUT``); past that the worker is
killed and ``RenderTimeout`` is raised, which the web app turns into an error
page. The next render starts a fresh worker. Where the process has a single
thread (CLI, tests, benchmarks) the worker is forked, so it inherits the
already imported WeasyPrint; in a threaded server it is a fresh interpreter
that imports WeasyPrint once and then stays warm. A worker left without work
for ``RenderSettings.idle`` seconds exits, so that idle web processes do not each keep
~140 MB; the next render starts another.

Safety: every ``HTML()`` gets ``SafeURLFetcher``, which serves only files from
the report's own asset folder and refuses everything else (no ``file:``
outside it, no network, no ``data:``, no redirects), and records what it was
asked for so tests can prove it. Everything a user typed reaches the HTML only
through Jinja's autoescape; ``ReportMeta`` caps and cleans its fields.

Caching: ``report_cache_key`` hashes what the PDF depends on (answers, town,
country, contact role, language, content digest, template version), so the
web app can store a rendered PDF once and serve it again without rendering.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import multiprocessing
import os
import queue
import subprocess
import sys
import threading
import time
from functools import lru_cache
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import chart, report_view
from .content_model import Content
from .i18n import ui_translations
from .paths import TEMPLATES_DIR, TRANSLATIONS_DIR
from .lint import SEED_DOCUMENTS  # noqa: F401 - part of this module's interface
from .report_view import ReportMeta, report_context  # noqa: F401 - re-exported
from .scoring import AssessmentResult, score_assessment
from .settings import RenderSettings

REPORT_DIR = TEMPLATES_DIR / "report"
# The summary (at most six pages, the default) and the full report.
EDITION_TEMPLATES = {"summary": "summary.html", "full": "report.html"}
ASSET_BASE = REPORT_DIR.as_uri() + "/"

# Set by ``configure`` (the web app passes its settings in); else read from the
# environment on the first render, never at import.
_settings: RenderSettings | None = None
# Options of WeasyPrint's write_pdf: a tagged PDF (PDF/UA-1) for screen readers.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1"}


def configure(settings: RenderSettings) -> None:
    """Use these render settings from now on (workers already running keep theirs)."""
    global _settings
    _settings = settings


def render_settings() -> RenderSettings:
    global _settings
    if _settings is None:
        _settings = RenderSettings()
    return _settings


class FetchRefused(ValueError):
    pass


class RenderTimeout(RuntimeError):
    """The report did not render within the time limit (the worker was stopped)."""


class RenderError(RuntimeError):
    """WeasyPrint failed, or the worker process died, while rendering."""


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
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": _mime(path)})
        self.refused.append(url)
        raise FetchRefused(f"the report may not load {url[:80]!r}")


def _mime(path: Path) -> str:
    return {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}.get(
        path.suffix, "application/octet-stream"
    )


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
    h = hashlib.sha256()
    for path in sorted(p for p in report_dir.rglob("*") if p.is_file()):
        h.update(path.relative_to(report_dir).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    for module_file in (chart.__file__, report_view.__file__, __file__):
        h.update(Path(module_file).read_bytes())
    return h.hexdigest()[:16]


def _catalog_hash(language: str) -> str:
    po = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    return hashlib.sha256(po.read_bytes()).hexdigest()[:16] if po.exists() else ""


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
        "catalog": _catalog_hash(meta.language),
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- rendering


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


def _worker_main(conn: Any, out: Any = None) -> None:
    """The worker loop: one request at a time, until the pipe closes."""
    out = out or conn
    idle = render_settings().idle  # a forked worker inherits its parent's settings
    # What the worker inherited or imported lives as long as it does: keep it out
    # of the garbage collector's scans, which WeasyPrint's many objects make costly.
    gc.freeze()
    while True:
        try:
            if idle > 0 and not conn.poll(idle):
                return  # idle too long: give the memory back; the pool starts a new one when needed
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        html, fetcher_cls, allowed_dir = request
        fetcher = fetcher_cls(allowed_dir)
        try:
            pdf = render_html_to_pdf(html, fetcher)
            reply = ("ok", pdf, fetcher.requested, fetcher.refused)
        except Exception as exc:  # reported to the caller as RenderError
            reply = ("error", f"{type(exc).__name__}: {exc}", fetcher.requested, fetcher.refused)
        try:
            out.send(reply)
        except (EOFError, OSError):
            return


def _stdio_worker_main() -> None:
    """Entry point of a worker started as ``python -c`` (threaded parents): the
    protocol runs over stdin/stdout; anything else written to stdout goes to stderr."""
    proto_out = os.dup(1)
    os.dup2(2, 1)
    _worker_main(Connection(os.dup(0), writable=False), Connection(proto_out, readable=False))


_STDIO_WORKER = "from readiness.report import _stdio_worker_main; _stdio_worker_main()"


class _Worker:
    """One render process, and the pipes to it.

    In a process with a single thread (CLI, tests, benchmarks) the worker is
    forked: it inherits the imported WeasyPrint and starts in milliseconds. In a
    threaded server, forking is unsafe (another thread may hold a lock), so the
    worker is a fresh interpreter (``python -c``) that imports WeasyPrint once;
    unlike multiprocessing's spawn/forkserver it never re-imports the server's
    ``__main__``.
    """

    def __init__(self) -> None:
        self.process: Any
        if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("fork")
            self.conn, child = ctx.Pipe()
            self.out = self.conn
            self.process = ctx.Process(target=_worker_main, args=(child,), daemon=True, name="readiness-report-renderer")
            self.process.start()
            child.close()
            self.pid = self.process.pid
        else:
            proc = subprocess.Popen(
                [sys.executable, "-c", _STDIO_WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True
            )
            assert proc.stdin is not None and proc.stdout is not None
            self.out = Connection(os.dup(proc.stdin.fileno()), readable=False)
            self.conn = Connection(os.dup(proc.stdout.fileno()), writable=False)
            proc.stdin.close()
            proc.stdout.close()
            self.process = proc
            self.pid = proc.pid

    def alive(self) -> bool:
        if isinstance(self.process, subprocess.Popen):
            return self.process.poll() is None
        return self.process.is_alive()

    def render(self, request: tuple, timeout: float) -> tuple:
        self.out.send(request)
        if not self.conn.poll(max(0.0, timeout)):
            raise RenderTimeout("the report took too long to render")
        return self.conn.recv()

    def stop(self) -> None:
        for conn in {id(self.conn): self.conn, id(self.out): self.out}.values():
            try:
                conn.close()
            except OSError:
                pass
        if isinstance(self.process, subprocess.Popen):
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait(timeout=5)
        else:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(timeout=5)


class _RendererPool:
    """Up to ``size`` warm workers (default: the settings' ``workers``); a worker that
    times out or dies is replaced."""

    def __init__(self, size: int | None = None):
        self._size = size
        self.idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self.live = 0
        self.lock = threading.Lock()

    def _acquire(self, deadline: float) -> _Worker:
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                break
            if worker.alive():
                return worker
            self._discard(worker)  # it exited after the idle time without work
        with self.lock:
            if self.live < (self._size or render_settings().workers):
                self.live += 1
                try:
                    return _Worker()
                except BaseException:
                    self.live -= 1
                    raise
        try:
            worker = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise RenderTimeout("every report renderer is busy; try again in a minute") from None
        if worker.alive():
            return worker
        self._discard(worker)
        return self._acquire(deadline)

    def _discard(self, worker: _Worker) -> None:
        worker.stop()
        with self.lock:
            self.live -= 1

    def render(self, html: str | tuple[str, ...], fetcher: SafeURLFetcher, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline)
        try:
            status, payload, requested, refused = worker.render(
                (html, type(fetcher), fetcher.allowed_dir), deadline - time.monotonic()
            )
        except RenderTimeout:
            self._discard(worker)
            raise RenderTimeout(f"the report took longer than {timeout:g} s to render") from None
        except (EOFError, OSError) as exc:
            self._discard(worker)
            raise RenderError(f"the report renderer stopped unexpectedly ({type(exc).__name__})") from exc
        except BaseException:
            self._discard(worker)
            raise
        self.idle.put(worker)
        fetcher.requested.extend(requested)
        fetcher.refused.extend(refused)
        if status != "ok":
            raise RenderError(payload)
        return payload

    def warm_up(self) -> None:
        worker = self._acquire(time.monotonic() + render_settings().timeout)
        self.idle.put(worker)

    def close(self) -> None:
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                return
            self._discard(worker)


_pool = _RendererPool()


def warm_up() -> None:
    """Start a render worker now (the web app may call this at start-up)."""
    _pool.warm_up()


def shutdown() -> None:
    """Stop the idle render workers (they also end with this process)."""
    _pool.close()


def render_pdf(
    content: Content,
    result: AssessmentResult,
    meta: ReportMeta,
    fetcher: SafeURLFetcher | None = None,
    *,
    timeout: float | None = None,
) -> bytes:
    """The report as PDF bytes, rendered in a warm worker within ``timeout`` seconds.

    Raises ``RenderTimeout`` past the limit (the worker is stopped and replaced)
    and ``RenderError`` if rendering fails. What the worker's fetcher was asked
    for is copied into ``fetcher.requested`` / ``fetcher.refused``.
    """
    html = report_documents(content, result, meta)
    fetcher = fetcher if fetcher is not None else SafeURLFetcher()
    return _pool.render(html[0] if len(html) == 1 else html, fetcher,
                       render_settings().timeout if timeout is None else timeout)


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
