"""Every page type on a 390 x 844 phone, and at 200% zoom of a 1280 px window (640 px).

One walk through the whole product (home, start form and its errors, link page, every
wizard step, review, results, side by side, case library and page, group owner, a
contributor's pages and the agreed-answer form, workspace, a network's pages, glossary, an
error page, the language menu open); on each page nothing may be wider than the window and
the header clips nothing, axe-core finds no serious violation (once per kind of page), and the charts' text reads at 11 px or more (phone, 640 px and
desktop). Every page template the app has must have been seen on the walk,
so a new kind of page cannot be left out. With SCREENSHOT_DIR set, a screenshot of the
phone's first screen of each page is saved there, to look at (docs/img/phone-*.png in the
README are four of them).
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from browser_support import create_assessment, next_button, violations, walk_to_results
from flask import template_rendered
from werkzeug.serving import make_server

from webapp import create_app
from webapp.db import upgrade_database

from readiness.paths import TEMPLATES_DIR

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ZOOM_200 = {"width": 640, "height": 900}  # 200% zoom of a 1280 x 1800 window
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
DESKTOP = {"width": 1280, "height": 900}
# The smallest text of the page's charts as drawn on the screen, in CSS px (an SVG scales with its box).
SMALLEST_CHART_TEXT = """() => Math.min(Infinity, ...[...document.querySelectorAll('main svg text')]
    .filter(t => t.getClientRects().length && t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""
READABLE_PX = 11
# Chart texts that stick out of their chart (an SVG clips them).
CLIPPED_CHART_TEXT = """() => [...document.querySelectorAll('main svg text')].filter(t => {
    const box = t.ownerSVGElement.getBoundingClientRect(), r = t.getBoundingClientRect();
    return r.width && (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
                       || r.bottom > box.bottom + 0.5); }).map(t => t.textContent).join(' | ')"""
# Chart texts drawn over each other.
OVERLAPPING_CHART_TEXT = """() => { const t = [...document.querySelectorAll('main svg text')].filter(e => e.getClientRects().length)
    .map(e => [e.textContent, e.getBoundingClientRect(), e.ownerSVGElement]); const out = [];
  for (let i = 0; i < t.length; i++) for (let j = i + 1; j < t.length; j++) {
    const [a, r, s] = t[i], [b, q, s2] = t[j];
    if (s === s2 && Math.min(r.right, q.right) - Math.max(r.left, q.left) > 1
        && Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 1) out.push(a + ' / ' + b); }
  return out.join(' | '); }"""
# Elements of the header that stick out of the window or clip their own content.
CLIPPED_IN_HEADER = """() => [...document.querySelectorAll('.site-header *')]
    .filter(e => e.getClientRects().length && !e.closest('.visually-hidden') && (e.scrollWidth > e.clientWidth + 1
           || e.getBoundingClientRect().right > window.innerWidth + 0.5))
    .map(e => e.className || e.tagName).join(',')"""


def page_templates() -> set[str]:
    """The templates that are whole web pages (not partials, macros or the PDFs' templates)."""
    return {p.relative_to(TEMPLATES_DIR).as_posix() for p in TEMPLATES_DIR.rglob("*.html")
            if not p.name.startswith("_") and p.name != "base.html" and p.parent.name != "report"}


def test_every_page_type_fits_a_phone_and_200_percent_zoom(browser, live_server: str, tmp_path: Path):
    rendered: list[str] = []

    def record(sender, template, context, **extra):  # type: ignore[no-untyped-def]
        rendered.append(template.name)

    template_rendered.connect(record)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    shots = Path(os.environ["SCREENSHOT_DIR"]) if os.environ.get("SCREENSHOT_DIR") else None
    wide: dict[str, dict[str, int]] = {}
    header_clipped: dict[str, str] = {}
    small_chart_text: dict[str, dict[str, float]] = {}
    clipped_chart_text: dict[str, str] = {}
    seen: dict[str, str] = {}  # template -> the first page checked that showed it
    inaccessible: dict[str, list[str]] = {}

    def check(name: str) -> None:
        page.wait_for_load_state("load")  # the style sheet applied
        page.set_viewport_size(PHONE)
        if rendered and rendered[-1] not in seen:
            seen[rendered[-1]] = name
            # axe-core on the phone, once per kind of page (tests/test_accessibility.py walks the desktop)
            if found := violations(page):
                inaccessible[name] = found
        phone = page.evaluate(OVERFLOW)
        text_px = {"phone": page.evaluate(SMALLEST_CHART_TEXT)}
        if page.evaluate(CLIPPED_CHART_TEXT):
            clipped_chart_text[name] = page.evaluate(CLIPPED_CHART_TEXT)
        if page.evaluate(OVERLAPPING_CHART_TEXT):
            clipped_chart_text[name + " (overlapping)"] = page.evaluate(OVERLAPPING_CHART_TEXT)
        clipped = page.evaluate(CLIPPED_IN_HEADER)
        if clipped:
            header_clipped[name] = clipped
        if shots:
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"phone-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.png"))
        page.set_viewport_size(ZOOM_200)
        zoom = page.evaluate(OVERFLOW)
        text_px["zoom200"] = page.evaluate(SMALLEST_CHART_TEXT)
        page.set_viewport_size(DESKTOP)
        text_px["desktop"] = page.evaluate(SMALLEST_CHART_TEXT)
        if min(text_px.values()) < READABLE_PX:
            small_chart_text[name] = {k: round(v, 1) for k, v in text_px.items()}
        if shots:
            page.screenshot(path=str(shots / f"zoom200-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.png"))
        page.set_viewport_size(PHONE)
        if phone > 0 or zoom > 0:
            wide[name] = {"phone": phone, "zoom200": zoom}

    try:
        page.goto(live_server + "/")
        check("home")
        page.locator(".language-menu summary").click()
        check("language menu")
        page.goto(live_server + "/start")
        page.get_by_role("button", name="Create the assessment").click()
        check("start with errors")
        # a long town name is where a header clips first
        create_assessment(page, live_server, town="Castelnuovo di Garfagnana e Valle del Serchio")
        check("link")
        results_url = walk_to_results(page, check)
        for name, path in (("cases", "/cases"), ("cases filtered", "/cases?type=hub"),
                           ("case", "/cases/creative-valley"), ("glossary", "/glossary"),
                           ("not found", "/a/nonexistent/review")):
            page.goto(live_server + path)
            check(name)

        # the group: two people answer the first step differently, the owner records the agreed answer
        owner_page = page
        owner_page.goto(results_url.replace("/results", "/group"))
        for i, label in enumerate(("Camera di commercio della Garfagnana", "Museo civico")):
            owner_page.locator("#label").fill(label)
            owner_page.locator("#role").select_option(index=i + 1)
            owner_page.get_by_role("button", name="Make a personal link").click()
            if i == 0:
                check("group owner")
            invitation = owner_page.locator("#invite-link").input_value()
            page = browser.new_context(viewport=PHONE).new_page()
            page.goto(invitation)
            check("group join")
            page.locator("form.form button[type=submit]").first.click()
            check("contributor step")
            page.locator("form .question fieldset").first.locator("input[type=radio]").nth(-1 if i else 0).check()
            next_button(page).click()
            page.goto(page.url.split("/step/")[0])
            check("contributor answers")
            page.context.close()
        page = owner_page
        page.goto(results_url.replace("/results", "/group"))
        page.locator("a", has_text="Record the agreed answer").first.click()
        check("group agree")

        page.goto(results_url)
        page.get_by_role("button", name="Open the town workspace").click()
        check("workspace")

        # a network of towns, led and joined from this browser (which holds the town's workspace)
        page.goto(live_server + "/networks/new")
        check("network new")
        page.get_by_label("Name of the network").fill("Rete dei borghi creativi della Garfagnana e della Lunigiana")
        page.get_by_role("button", name="Create the network").click()
        check("network")
        page.goto(page.locator("#join-link").input_value())
        check("network join")
        page.get_by_role("button", name="Join the network").click()
        check("network with a member")

        # a document asked for while no worker runs: the page that waits for it (a server with a queue)
        url = f"sqlite:///{tmp_path / 'queued.sqlite3'}"
        upgrade_database(url)
        queued = create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-test-secret-key-0123456789",
                             "QUEUE_URL": f"sqla+sqlite:///{tmp_path / 'queue.sqlite3'}", "PRERENDER_REPORT": False})
        server = make_server("127.0.0.1", 0, queued, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            base = f"http://127.0.0.1:{server.server_port}"
            create_assessment(page, base, town="Castelnuovo di Garfagnana e Valle del Serchio")
            page.get_by_role("link", name="Continue the assessment").click()
            page.goto(page.url.split("/step/")[0] + "/group/questionnaire.pdf?refresh=0")
            check("preparing a document")
        finally:
            server.shutdown()
            queued.extensions["readiness_db"].engine.dispose()
    finally:
        template_rendered.disconnect(record)

    assert wide == {}, f"pages wider than the window (px too wide): {wide}"
    assert header_clipped == {}, f"header elements clipped: {header_clipped}"
    # the radar charts' labels, ticks and legends (results, side by side, a network's towns)
    assert small_chart_text == {}, f"chart text smaller than {READABLE_PX} px on the screen: {small_chart_text}"
    assert clipped_chart_text == {}, f"chart text cut off or overlapping: {clipped_chart_text}"
    assert inaccessible == {}, f"serious or critical axe violations on the phone: {inaccessible}"
    missing = page_templates() - set(seen)
    assert not missing, f"page types the phone walk never showed: {sorted(missing)}"
