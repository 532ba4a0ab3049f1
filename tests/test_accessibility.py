"""WCAG checks with axe-core in Debian's Chromium on every page type of the wizard.

No violation of "serious" or "critical" impact is allowed. Also a keyboard-only
walk: Tab, Space and Enter alone take the officer from the start page to the PDF. Reflow on a
phone and at 200% zoom: tests/test_phone.py.
"""

from __future__ import annotations

import pytest
from browser_support import create_assessment, violations, walk_to_results

pytestmark = pytest.mark.browser

def test_every_page_type_has_no_serious_violation(browser, live_server: str):
    page = browser.new_page()
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        found[name] = violations(page)

    page.goto(live_server + "/")
    check("start page")
    page.goto(live_server + "/start")
    page.get_by_role("button", name="Create the assessment").click()
    check("start form with errors")
    create_assessment(page, live_server)
    check("resume link page")
    results_url = walk_to_results(page, check)
    page.goto(live_server + "/cases")
    check("case library")
    page.goto(live_server + "/cases?type=hub")
    check("case library, filtered")
    page.goto(live_server + "/cases/creative-valley")
    check("case page")
    page.goto(results_url.replace("/results", "/group"))
    check("group assessment (owner)")
    page.goto(results_url)
    page.get_by_role("button", name="Open the town workspace").click()
    check("town workspace")
    page.goto(live_server + "/a/nonexistent/review")
    check("not found page")
    assert {name: v for name, v in found.items() if v} == {}
    assert len(found) >= 24  # every step and every page type was visited


def test_keyboard_only_walk_reaches_the_pdf(browser, live_server: str):
    """Tab to a control, Space to choose, Enter to press: no mouse anywhere."""
    page = browser.new_page(accept_downloads=True)
    page.goto(live_server + "/")

    def tab_to(predicate: str, limit: int = 400) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(() => {{ const e = document.activeElement; return !!e && ({predicate}); }})()"):
                return
        raise AssertionError(f"Tab never reached {predicate}")

    tab_to("e.textContent.trim() === 'Start an assessment'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/start")
    tab_to("e.id === 'town'")
    page.keyboard.type("Óbidos")
    tab_to("e.id === 'country'")
    page.keyboard.type("Portugal")  # type-ahead selects in a native <select>
    tab_to("e.name === 'population_band'")
    page.keyboard.press("Space")
    tab_to("e.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_selector("#resume-link")
    tab_to("e.textContent.trim() === 'Continue the assessment'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/step/**")

    steps = 0
    while "/step/" in page.url and steps < 20:
        steps += 1
        current = page.url
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.evaluate("window.scrollTo(0, 0)")
        # choose the first option of each group: Tab lands on a radio group, Space selects
        # follow-ups appear as their parent is answered: go on while a shown question is left
        unanswered = "form .question:visible:not([data-kbdone]) :is(fieldset, input.input-number)"
        while page.locator(unanswered).count():
            tab_to("(e.type === 'radio' || e.type === 'checkbox' || e.classList.contains('input-number'))"
                   " && !e.closest('.question').hasAttribute('data-kbdone')")
            page.evaluate("document.activeElement.closest('.question').setAttribute('data-kbdone', '1')")
            if page.evaluate("document.activeElement.classList.contains('input-number')"):
                page.keyboard.type("1")
            else:
                page.keyboard.press("Space")
        tab_to("e.name === 'action' && e.value === 'next'")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        errors = page.locator(".error-summary").all_inner_texts()
        assert page.url != current, f"the step did not advance: {errors}"
    assert "/review" in page.url
    tab_to("e.type === 'submit' && e.closest('form').action.endsWith('/submit')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/results")
    tab_to("e.textContent.trim() === 'Download the summary (PDF, up to 6 pages)'")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")
