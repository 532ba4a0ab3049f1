"""Every page type on a 390 x 844 phone, and at 200% zoom of a 1280 px window (640 px).

One walk through the whole product (home, start form and its errors, link page, every
wizard step, review, results, side by side, case library and page, group owner and a
contributor's pages, workspace, glossary, an error page); on each page nothing may be wider
than the window. With SCREENSHOT_DIR set, a full-page screenshot of each page is saved
there, to look at (docs/img/phone-*.png in the README come from this walk).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_support import answer_every_question_on_the_page, create_assessment, next_button

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ZOOM_200 = {"width": 640, "height": 900}  # 200% zoom of a 1280 x 1800 window
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def test_every_page_type_fits_a_phone_and_200_percent_zoom(browser, live_server: str):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1)
    page = context.new_page()
    shots = Path(os.environ["SCREENSHOT_DIR"]) if os.environ.get("SCREENSHOT_DIR") else None
    wide: dict[str, dict[str, int]] = {}
    header_clipped: dict[str, str] = {}

    def check(name: str) -> None:
        page.wait_for_load_state("load")  # the style sheet applied
        page.set_viewport_size(PHONE)
        phone = page.evaluate(OVERFLOW)
        clipped = page.evaluate("""() => [...document.querySelectorAll('.site-header *')]
            .filter(e => e.getClientRects().length && !e.closest('.visually-hidden') && (e.scrollWidth > e.clientWidth + 1
                   || e.getBoundingClientRect().right > window.innerWidth + 0.5))
            .map(e => e.className || e.tagName).join(',')""")
        if clipped:
            header_clipped[name] = clipped
        if shots:
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"phone-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.png"), full_page=True)
        page.set_viewport_size(ZOOM_200)
        zoom = page.evaluate(OVERFLOW)
        page.set_viewport_size(PHONE)
        if phone > 0 or zoom > 0:
            wide[name] = {"phone": phone, "zoom200": zoom}

    page.goto(live_server + "/")
    check("home")
    page.goto(live_server + "/start")
    page.get_by_role("button", name="Create the assessment").click()
    check("start with errors")
    # a long town name is where a header clips first
    create_assessment(page, live_server, town="Castelnuovo di Garfagnana e Valle del Serchio")
    check("link")
    page.get_by_role("link", name="Continue the assessment").click()
    next_button(page).click()
    check("step with errors")
    while "/step/" in page.url:
        check("step " + page.url.rsplit("/", 1)[1])
        answer_every_question_on_the_page(page)
        next_button(page).click()
    check("review")
    page.get_by_role("button", name="Submit and see the results").click()
    check("results")
    results_url = page.url
    page.get_by_role("link", name="Compare side by side").first.click()
    check("compare")
    for name, path in (("cases", "/cases"), ("cases filtered", "/cases?type=hub"),
                       ("case", "/cases/creative-valley"), ("glossary", "/glossary"),
                       ("not found", "/a/nonexistent/review")):
        page.goto(live_server + path)
        check(name)

    page.goto(results_url.replace("/results", "/group"))
    page.locator("#label").fill("Camera di commercio della Garfagnana")
    page.locator("#role").select_option(index=1)
    page.get_by_role("button", name="Make a personal link").click()
    check("group owner")
    invitation = page.locator("#invite-link").input_value()
    contributor = browser.new_context(viewport=PHONE).new_page()
    contributor.goto(invitation)
    page, owner_page = contributor, page
    check("group join")
    page.locator("form.form button[type=submit]").first.click()
    check("contributor step")
    page.goto(page.url.split("/step/")[0])
    check("contributor answers")
    page = owner_page

    page.goto(results_url)
    page.get_by_role("button", name="Open the town workspace").click()
    check("workspace")

    assert wide == {}, f"pages wider than the window (px too wide): {wide}"
    assert header_clipped == {}, f"header elements clipped: {header_clipped}"
