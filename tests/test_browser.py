"""A real browser (Debian's Chromium driven by Playwright) through the whole wizard to the PDF.

On a developer machine without Chromium this skips with a visible reason;
CI sets REQUIRE_BROWSER=1, which turns a missing browser into a failure.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from browser_support import answer_every_question_on_the_page

pytestmark = pytest.mark.browser


def test_whole_wizard_in_a_real_browser(browser, live_server: str, tmp_path: Path):
    page = browser.new_page(accept_downloads=True)
    page.goto(live_server + "/")
    page.get_by_role("link", name="Start an assessment").click()

    # an invalid start first: the message sits next to the field and nothing is lost
    page.get_by_label("Your role (optional)").fill("Culture officer")
    page.get_by_role("button", name="Create the assessment").click()
    assert page.locator("#town-error").inner_text().endswith("Enter the name of the town.")
    assert page.get_by_label("Your role (optional)").input_value() == "Culture officer"

    page.get_by_label("Name of the town or municipality").fill("Ploiești")
    page.get_by_label("Country").select_option("Romania")
    page.get_by_label("10,000 to 50,000").check()
    page.get_by_role("button", name="Create the assessment").click()
    resume_link = page.get_by_label("Resume link").input_value()
    assert "/r/" in resume_link
    # the "keep this" card: a small text file with the link and what to do if it is lost
    with page.expect_download() as card:
        page.get_by_role("link", name="Download a “keep this” card").click()
    card_path = tmp_path / "card.txt"
    card.value.save_as(card_path)
    card_text = card_path.read_text(encoding="utf-8")
    assert resume_link in card_text and "Ploiești" in card_text and "If it is lost" in card_text
    mailto = page.get_by_role("link", name="E-mail it to yourself").get_attribute("href")
    assert mailto.startswith("mailto:?subject=") and resume_link in unquote(mailto)
    page.get_by_role("link", name="Continue the assessment").click()

    steps_seen = 0
    while "/step/" in page.url:
        steps_seen += 1
        assert "Step %d of" % steps_seen in page.locator(".progress-label").inner_text()
        answer_every_question_on_the_page(page)
        page.get_by_role("button", name="Save and continue").or_(
            page.get_by_role("button", name="Review your answers")).click()
    assert steps_seen == 12
    assert "/review" in page.url

    # a fresh browser context opening the resume link lands back in the assessment
    other = browser.new_context().new_page()
    other.goto(resume_link)
    assert "/a/" in other.url and "/r/" not in other.url

    page.get_by_role("button", name="Submit and see the results").click()
    assert "/results" in page.url
    assert "Ploiești" in page.locator("h1").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the summary (PDF, up to 6 pages)").click()
    target = tmp_path / "report.pdf"
    download_info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_language_switch_keeps_a_tick_and_a_note(browser, live_server: str, javascript: bool):
    from browser_support import create_assessment

    page = browser.new_context(java_script_enabled=javascript).new_page()
    create_assessment(page, live_server, town="Viareggio", country="Italy")
    page.get_by_role("link", name="Continue the assessment").click()
    assert "/step/profile" in page.url
    note = "Il porto è in ristrutturazione fino al 2027."
    for language, name, tick in (("it", "Italiano", "tourism"), ("pt", "Português", "crafts")):
        page.locator(f"input[name=main_industries][value={tick}]").check()  # a tick, not saved yet
        page.locator("#profile_notes").fill(note + language)  # a typed note, not saved yet
        # one action: open the menu, choose the language; nothing typed is lost
        page.locator(".language-menu summary").click()
        page.get_by_role("button", name=name).click()
        page.wait_for_url("**/step/profile")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("input[name=main_industries][value=tourism]").is_checked()
        assert page.locator(f"input[name=main_industries][value={tick}]").is_checked()
        assert page.locator("#profile_notes").input_value() == note + language
    # and it was saved, not only carried: the review lists the tick and the note
    page.goto(page.url.replace("/step/profile", "/review"))
    assert note + "pt" in page.locator("main").inner_text()


def test_follow_ups_follow_the_parent(browser, live_server: str):
    from browser_support import create_assessment

    page = browser.new_page()
    create_assessment(page, live_server, town="Viareggio", country="Italy")
    page.get_by_role("link", name="Continue the assessment").click()

    # follow-ups appear and disappear as the parent answer changes
    page.goto(page.url.replace("/step/profile", "/step/strategy"))
    follow_up = page.locator("#q-strategy_local_agenda")
    page.locator("input[name=strategy_plan][value=none]").check()
    assert not follow_up.is_visible()
    page.locator("input[name=strategy_plan][value=mentioned]").check()
    assert follow_up.is_visible()
    follow_up.locator("input[type=radio]").first.check()
    page.locator("input[name=strategy_plan][value=none]").check()
    assert not follow_up.is_visible()
    page.locator("button[name=action][value=save]").click()  # hidden: not sent, so no contradiction
    assert "/link" in page.url


def test_enter_in_a_field_goes_on_not_to_another_language(browser, live_server: str):
    """The language buttons belong to the step form and come first in the page; Enter must
    still do what the form's first button says (save and continue)."""
    from browser_support import create_assessment

    page = browser.new_page()
    create_assessment(page, live_server, town="Viareggio", country="Italy")
    page.get_by_role("link", name="Continue the assessment").click()
    page.goto(page.url.replace("/step/profile", "/step/economy"))
    answer_every_question_on_the_page(page)
    page.locator("input.input-number").first.fill("12")
    page.locator("input.input-number").first.press("Enter")
    page.wait_for_load_state("load")
    assert "/step/economy" not in page.url  # went on to the next step
    assert page.locator("html").get_attribute("lang") == "en"
