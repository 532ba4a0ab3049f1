"""Benchmark of the PDF report (``make bench``). Not a test: it prints figures.

In one run, on a representative answer set (bench/answers_mizil.yaml):
- the project's warm render time (``render_pdf``: HTML build, warm worker,
  PDF back), median of several runs;
- WeasyPrint alone on the project's own final HTML, in this process, with the
  same PDF options, median of several runs; and the ratio (goal <= 1.10);
- a fresh process: Python start, imports, content, scoring and one render;
- the cached download: cache key + lookup, as the web app serves a stored PDF;
- peak memory (this process and the render worker) and the page count;
for each edition (the summary, then the full report; BENCH_EDITIONS to choose).
"""

from __future__ import annotations

import dataclasses
import io
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = Path(os.environ.get("BENCH_ANSWERS", ROOT / "bench" / "answers_mizil.yaml"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
EDITIONS = tuple(os.environ.get("BENCH_EDITIONS", "summary,full").split(","))

FRESH = f"""
import time; t0 = time.perf_counter()
from readiness.cli import read_answers_file
from readiness.content import load_content
from readiness.report import ReportMeta, render_pdf
from readiness.scoring import score_assessment
c = load_content(); d = read_answers_file({str(ANSWERS)!r}, c)
r = score_assessment(c, d["answers"], d["town"], d["country"])
pdf = render_pdf(c, r, ReportMeta.for_cli(d["town"], d["country"]))
print(time.perf_counter() - t0)
"""


ALONE = """
import ast, sys, time
from weasyprint import HTML
html = open(sys.argv[1], encoding="utf-8").read()
options = ast.literal_eval(sys.argv[2])  # the project's PDF options
HTML(string=html).write_pdf(**options)
print("ready", flush=True)
for _ in sys.stdin:
    t0 = time.perf_counter(); HTML(string=html).write_pdf(**options)
    print(time.perf_counter() - t0, flush=True)
"""


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> int:
    """Both editions, one after the other: the summary (the default) and the full report."""
    for edition in EDITIONS:
        measure(edition)
    return 0


def measure(edition: str) -> None:
    t0 = time.perf_counter()
    from weasyprint import HTML

    from readiness import report
    from readiness.cli import read_answers_file
    from readiness.content import load_content
    from readiness.scoring import score_assessment

    import_s = time.perf_counter() - t0
    content = load_content()
    data = read_answers_file(str(ANSWERS), content)
    result = score_assessment(content, data["answers"], data["town"], data["country"])
    meta = dataclasses.replace(report.ReportMeta.for_cli(data["town"], data["country"]), edition=edition)

    # Warm both sides once (worker start, fonts, caches), then measure, interleaved.
    t0 = time.perf_counter()
    pdf = report.render_pdf(content, result, meta)
    first_s = time.perf_counter() - t0
    html = report.build_report_html(content, result, meta)
    HTML(string=html, base_url=report.ASSET_BASE, url_fetcher=report.SafeURLFetcher()).write_pdf(**report.PDF_OPTIONS)

    # WeasyPrint alone in a clean, warm process, as `weasyprint OUT.html x.pdf` runs it
    # on the HTML that `readiness report --html` writes. Its renders alternate with
    # the project's, so both see the same machine load.
    html_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-report-{os.getpid()}.html"
    html_file.write_text(html, encoding="utf-8")
    alone_proc = subprocess.Popen(
        [sys.executable, "-c", ALONE, str(html_file), repr(report.PDF_OPTIONS)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert alone_proc.stdin is not None and alone_proc.stdout is not None
    assert alone_proc.stdout.readline().strip() == "ready"

    project, clean, alone = [], [], []
    try:
        for _ in range(RUNS):
            project.append(_median(lambda: report.render_pdf(content, result, meta), 1))
            alone_proc.stdin.write("go\n")
            alone_proc.stdin.flush()
            clean.append(float(alone_proc.stdout.readline()))
            alone.append(
                _median(
                    lambda: HTML(string=html, base_url=report.ASSET_BASE, url_fetcher=report.SafeURLFetcher()).write_pdf(
                        **report.PDF_OPTIONS
                    ),
                    1,
                )
            )
    finally:
        alone_proc.stdin.close()
        alone_proc.wait()
        html_file.unlink(missing_ok=True)
    project_s, clean_s, alone_s = statistics.median(project), statistics.median(clean), statistics.median(alone)
    html_s = _median(lambda: report.build_report_html(content, result, meta), RUNS)

    # The cached download: the web app computes the key and reads the stored PDF.
    cache = {report.report_cache_key(content, result, meta): pdf}
    hits = []

    def download() -> None:
        hits.append(cache.get(report.report_cache_key(content, result, meta)))

    cached_s = _median(download, 50)
    assert hits[-1] is pdf, "the cache lookup must hit"

    # A fresh process: what `readiness report` costs from the shell.
    fresh = []
    for _ in range(2):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", FRESH], cwd=ROOT, capture_output=True, text=True, check=True)
        fresh.append((time.perf_counter() - t0, float(out.stdout.strip().splitlines()[-1])))
    fresh_wall = min(f[0] for f in fresh)

    try:
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    except ImportError:  # pypdf is a test dependency
        pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page")

    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak = None  # rendering runs in this process (the web app's renders: the queue's workers)

    ratio = project_s / clean_s
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (figures are noisy when other work runs)")
    print(f"report benchmark, {edition} edition: {ANSWERS.name}, {pages} pages, {len(pdf) / 1024:.0f} KiB, PDF options {report.PDF_OPTIONS}")
    print(f"  imports (WeasyPrint + readiness)     {import_s:6.3f} s")
    print(f"  first render (starts the worker)     {first_s:6.3f} s")
    print(f"  project render_pdf, warm (median {RUNS}) {project_s:6.3f} s   (HTML build {html_s * 1000:.0f} ms)")
    print(f"  WeasyPrint alone, same HTML, clean process (median) {clean_s:6.3f} s")
    print(f"  WeasyPrint alone, same HTML, this process (median)  {alone_s:6.3f} s")
    print(f"  ratio project / WeasyPrint alone (clean process)    {ratio:6.3f}   goal <= 1.10: {'ok' if ratio <= 1.10 else 'MISSED'}")
    print(f"  ratio project / WeasyPrint alone (this process)     {project_s / alone_s:6.3f}")
    print(f"  fresh process (wall, best of 2)       {fresh_wall:6.3f} s   (inside the process: {min(f[1] for f in fresh):.3f} s)")
    print(f"  cached download (key + lookup)        {cached_s * 1000:6.3f} ms")
    print(f"  peak memory: this process {self_peak:.0f} MB" + (f", render worker {worker_peak:.0f} MB" if worker_peak else ""))
    print(f"  per page (warm)                       {project_s / pages * 1000:6.0f} ms")
    pass  # rendering runs in this process: nothing to stop


if __name__ == "__main__":
    sys.exit(main())
