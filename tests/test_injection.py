"""PDF injection through the web: attack strings typed into every user field, the report
downloaded through the web app, and the PDF searched for what must never be in it.

Fields: the town, the contact role, the country (posted raw: it must be refused, 400,
nothing stored) and every text question's answer. Strings are packed several to a field
(as many as its length limit allows), so one PDF covers a group of strings in every field
at once; a string longer than a field's limit is posted alone and must be refused (400).

For each downloaded PDF (pypdf, every object's decoded stream):
- 0 embedded files (no /EmbeddedFiles name tree, no /FileAttachment annotation);
- 0 canary bytes: a secret file in a temporary folder is referenced by ``file:`` URLs
  (absolute, relative to the report folder, through ``..``), and must not appear, nor
  /etc/hostname's content (checked when it is long enough to mean anything);
- 0 fetcher calls outside the allowlist: ``render_pdf`` is wrapped so that every render
  gets a recording ``SafeURLFetcher``; every URL it was asked for must be a file in the
  report's own folder;
- the strings did reach the report (escaped) and no raw tag did.

Prints ``[figures] attack strings × fields: A × F, leaks: 0`` (pytest -s).
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from conftest import Wizard, csrf_token
from readiness import report
from readiness.answers import ROLE_MAX, TOWN_NAME_MAX, clean_name, clean_text
from readiness.models import QuestionType
from webapp.report import service as report_service


def attack_strings(canary: Path) -> list[str]:
    uri = canary.as_uri()
    up = "../" * len(report.REPORT_DIR.resolve().parts)  # from the report folder up to / ...
    relative = up + str(canary).lstrip("/")  # ... and down to the canary
    via_report = report.ASSET_BASE + up.rstrip("/") + str(canary)
    return [
        # HTML that would fetch, embed or attach
        f'<link rel="attachment" href="{uri}">',
        '<link rel="attachment" href="file:///etc/hostname">',
        f'<a rel="attachment" href="{uri}">x</a>',
        '<img src="http://127.0.0.1:9/x">',
        f'<img src="{uri}">',
        f'<img src="{relative}">',
        f'<img src="{via_report}">',
        f'<iframe src="{uri}"></iframe>',
        f'<object data="{uri}"></object>',
        f'<embed src="{uri}">',
        '<base href="http://127.0.0.1:9/">',
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
        f'<link rel="stylesheet" href="{uri}">',
        '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/">',
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "</p></div></body></html><h1>Injected</h1>",
        "<!-- unclosed comment",
        "<![CDATA[ x ]]>",
        '"><img src="http://127.0.0.1:9/q">',
        "'><style>*{display:none}</style>",
        # CSS
        "<style>@import url(http://127.0.0.1:9/i.css);</style>",
        f"<style>@import '{uri}';</style>",
        f"<style>body{{background:url({uri})}}</style>",
        f'<p style="background:url({uri})">s</p>',
        "@import url(http://127.0.0.1:9/bare.css);",
        f"@font-face{{font-family:x;src:url({uri})}}",
        "</style><style>*{color:red}</style>",
        "url(http://127.0.0.1:9/u)",
        # data: and file: URLs, bare
        "data:text/html,<script>alert(1)</script>",
        "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=",
        f'<img src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22><image href=%22{uri}%22/></svg>">',
        uri,
        "file:///etc/hostname",
        "file:///etc/passwd",
        "http://127.0.0.1:9/plain",
        # SVG and MathML
        f'<svg><image href="{uri}"/></svg>',
        '<svg><use href="http://127.0.0.1:9/s.svg#a"/></svg>',
        "<svg onload=alert(1)>",
        '<math><mtext><img src="http://127.0.0.1:9/m"></mtext></math>',
        '<math href="javascript:alert(1)">m</math>',
        # template syntax
        "{{ 7*7 }}",
        "{% for x in range(9) %}{{ x }}{% endfor %}",
        "{{ config.items() }}",
        "${7*7} #{7*7} <%= 7*7 %>",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        # control characters, bidi, odd Unicode
        "a\x00b\x01c\x07d\x08e\x1bf\x7fg",
        "line\r\nbreak\rcr\x0bvt\x0cff",
        "\u202eevil.pdf\u202c exe",
        "\u200f\u200e\u2066\u2067\u2068\u2069 isolates",
        "\u200b\u200c\u200d\ufeff zero width",
        "\ud83c\udff3\ufe0f\u200d\ud83c\udf08 \U0001f600 emoji".encode("utf-16", "surrogatepass").decode("utf-16"),
        "Ωmega ΣΑΡΩ Ελλάδα Кириллица العربية עברית 中文",
        "A\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308 combining",
        # long text
        "W" * 400,  # one unbreakable word, wider than the page
        "long " * 190,
        "x" * 1400,
        "&lt;script&gt; &amp;amp; &#60;img&#62; &#x3C;",
        "\\x3cscript\\x3e %3Cscript%3E",
    ]


# --------------------------------------------------------------------------- checking a PDF


def pdf_streams(pdf: bytes) -> list[bytes]:
    """Every object's decoded stream data."""
    reader = PdfReader(io.BytesIO(pdf))
    numbers = {(num, gen) for gen, objs in reader.xref.items() for num in objs}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    data = []
    for num, gen in sorted(numbers):
        obj = reader.get_object(IndirectObject(num, gen, reader))
        if isinstance(obj, StreamObject):
            try:
                data.append(obj.get_data())
            except Exception:  # an undecodable stream is kept raw
                data.append(obj._data)
    return data


def embedded_files(pdf: bytes, streams: list[bytes] | None = None) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    streams = pdf_streams(pdf) if streams is None else streams
    found = [f"attachment {name}" for name in reader.attachments]
    names = reader.trailer["/Root"].get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("/EmbeddedFiles name tree")
    for i, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                found.append(f"/FileAttachment annotation on page {i + 1}")
    if b"/EmbeddedFile" in pdf or any(b"/EmbeddedFile" in s or b"/FileAttachment" in s for s in streams):
        found.append("/EmbeddedFile object")
    return found


def secret_bytes(pdf: bytes, secrets_: list[bytes], streams: list[bytes] | None = None) -> list[str]:
    blobs = [pdf] + (pdf_streams(pdf) if streams is None else streams)
    return [s.decode(errors="replace") for s in secrets_ if any(s in b for b in blobs)]


def outside_allowlist(urls: list[str]) -> list[str]:
    allowed = report.REPORT_DIR.resolve()
    bad = []
    for url in urls:
        path = Path(re.sub(r"^file://", "", url)).resolve() if url.startswith("file:///") else None
        if path is None or not path.is_relative_to(allowed) or not path.is_file():
            bad.append(url)
    return bad


# --------------------------------------------------------------------------- packing strings into fields


def pack(strings: list[str], limit: int) -> tuple[list[str], list[str]]:
    """Strings joined into values of at most ``limit`` characters once cleaned; and those too long alone."""
    chunks: list[str] = []
    too_long: list[str] = []
    current = ""
    for s in strings:
        if len(clean_text(s)) > limit:
            too_long.append(s)
            continue
        candidate = f"{current} {s}" if current else s
        if len(clean_text(candidate)) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = s
    if current:
        chunks.append(current)
    return chunks, too_long


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """Every render through the web app gets a recording SafeURLFetcher; its HTML is kept."""
    calls: dict[str, list] = {"requested": [], "refused": [], "html": [], "renders": []}
    real_render, real_build = report_service.render_pdf, report.build_report_html

    def render_pdf(content: Any, result: Any, meta: Any, fetcher: Any = None, **kwargs: Any) -> bytes:
        fetcher = report.SafeURLFetcher()
        try:
            return real_render(content, result, meta, fetcher, **kwargs)
        finally:
            calls["requested"] += fetcher.requested
            calls["refused"] += fetcher.refused
            calls["renders"].append(meta.town)

    def build_report_html(*args: Any, **kwargs: Any) -> str:
        html = real_build(*args, **kwargs)
        calls["html"].append(html)
        return html

    monkeypatch.setattr(report_service, "render_pdf", render_pdf)
    monkeypatch.setattr(report, "build_report_html", build_report_html)
    return calls


@pytest.fixture
def canary() -> Any:
    """A secret file at a short path (short URLs: more strings fit in a 120-character field)."""
    folder = Path(tempfile.mkdtemp(prefix="c", dir="/tmp"))
    path = folder / "s"
    path.write_text(f"CANARY-{uuid.uuid4().hex}", encoding="utf-8")
    yield path
    shutil.rmtree(folder)


# The PDF is the same whatever the database: SQLite only (each PDF takes seconds to render).
@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_attack_strings_in_every_field_leak_nothing_into_the_pdf(app, content, recorded, canary, capsys):
    app.config["LIMIT_NEW_ASSESSMENTS"] = "10000 per minute"  # this test is about what is stored, not limits
    secret = canary.read_text(encoding="utf-8")
    strings = attack_strings(canary)
    assert len(strings) >= 50
    hostname = Path("/etc/hostname").read_bytes().strip() if Path("/etc/hostname").exists() else b""
    secrets_ = [secret.encode()] + ([hostname] if len(hostname) >= 8 else [])  # "vm" would match anything

    text_questions = [q for q in content.questions.values() if q.type == QuestionType.text and q.show_if is None]
    assert text_questions, "the bank has no text question to attack"
    limits = {"town": TOWN_NAME_MAX, "contact_role": ROLE_MAX} | {q.id: min(q.max_length, 10_000) for q in text_questions}
    packed = {field: pack(strings, limit) for field, limit in limits.items()}
    assessments = max(len(chunks) for chunks, _ in packed.values())
    leaks: list[str] = []
    refused = 0

    # One client posts every attack string: this test is about escaping, not about the creation limit.
    app.config["LIMIT_NEW_ASSESSMENTS"] = "10000 per minute"
    client = app.test_client()
    token = csrf_token(client.get("/start").get_data(as_text=True))

    # The country is a choice: any attack string posted raw is refused, nothing stored.
    for s in strings:
        response = client.post("/start", data={"csrf_token": token, "town": "Mizil", "country": s,
                                               "population_band": "10k_50k"})
        assert response.status_code == 400, (s, response.status_code)
        refused += 1
    # Strings too long for a field are refused there, whole.
    for field in ("town", "contact_role"):
        for s in packed[field][1]:
            response = client.post("/start", data={"csrf_token": token, "town": "Mizil", "country": "Romania",
                                                   "population_band": "10k_50k", field: s})
            assert response.status_code == 400, (field, response.status_code)
            refused += 1
    with app.extensions["readiness_db"].engine.connect() as conn:
        assert conn.exec_driver_sql("select count(*) from assessment").scalar() == 0

    for i in range(assessments):
        def value(field: str, default: str = "", i: int = i) -> str:
            chunks = packed[field][0]
            return chunks[i] if i < len(chunks) else default

        officer = Wizard(app.test_client(), content)
        response = officer.start(town=value("town", "Mizil"), country="Romania", role=value("contact_role"))
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        officer.answer_all(overrides={q.id: value(q.id) or None for q in text_questions})
        if i == 0:  # the too-long strings, in each text question: refused, whole
            for q in text_questions:
                for s in packed[q.id][1]:
                    step = next(st for st in _steps(app, content) if q in st.questions)
                    assert officer.post_step(step.id, {q.id: s}, action="save").status_code == 400
                    refused += 1
        assert officer.submit().status_code == 302
        before = len(recorded["html"])
        # the full edition shows every answer typed (the summary shows none of the text answers)
        pdf_response = officer.client.get(officer.url("report.pdf") + "?edition=full")
        assert pdf_response.status_code == 200 and pdf_response.mimetype == "application/pdf"
        assert len(recorded["html"]) == before + 1, "the PDF was not rendered through the recorded path"
        pdf, html = pdf_response.get_data(), recorded["html"][-1]

        streams = pdf_streams(pdf)
        leaks += [f"assessment {i}: {x}" for x in embedded_files(pdf, streams)]
        leaks += [f"assessment {i}: secret bytes {x[:20]}…" for x in secret_bytes(pdf, secrets_, streams)]
        # what was typed reached the report, escaped; no raw tag did
        for field in limits:
            typed = value(field)
            if typed:
                stored = clean_name(typed) if field in ("town", "contact_role") else clean_text(typed)  # as saved
                shown = str(escape(stored))
                assert shown[:60] in html or shown[:60].replace("\n", "<br>") in html, (field, shown[:80])
        raw_tags = [s for s in strings if "<" in s and s in html]
        leaks += [f"assessment {i}: raw tag in the report HTML: {s[:40]}" for s in raw_tags]

    leaks += [f"fetcher asked for {url}" for url in outside_allowlist(recorded["requested"])]
    leaks += [f"fetcher refused {url}" for url in recorded["refused"]]
    fields = len(limits) + 1  # + the country
    with capsys.disabled():
        print(f"\n[figures] attack strings × fields: {len(strings)} × {fields}, leaks: {len(leaks)} "
              f"({assessments} PDFs downloaded through the web, {refused} posts refused as too long or not a country)")
    assert len(recorded["renders"]) == assessments
    assert leaks == []


def _steps(app: Any, content: Any) -> list:
    with app.test_request_context():
        from webapp.wizard.steps import all_steps

        return all_steps(content)


def test_the_checks_see_an_embedded_file_and_a_canary_when_there_is_one(tmp_path):
    """The leak checks are not vacuous: raw HTML rendered with a permissive fetcher does embed
    the canary, and the checks find it; the project's fetcher refuses the same HTML's URL."""
    from weasyprint import HTML

    secret = f"CANARY-{uuid.uuid4().hex}"
    canary = tmp_path / "secret.txt"
    canary.write_text(secret, encoding="utf-8")
    raw = f'<p>x</p><link rel="attachment" href="{canary.as_uri()}">'
    leaky = HTML(string=raw, base_url=str(tmp_path)).write_pdf()
    assert embedded_files(leaky) != []
    assert secret_bytes(leaky, [secret.encode()]) == [secret]
    fetcher = report.SafeURLFetcher()
    safe = report.render_html_to_pdf(raw, fetcher)
    assert embedded_files(safe) == [] and secret_bytes(safe, [secret.encode()]) == []
    assert outside_allowlist(fetcher.requested) == [canary.as_uri()] and fetcher.refused == [canary.as_uri()]
    assert outside_allowlist([report.ASSET_BASE + "report.css"]) == []
