"""Lesson links in the browser: a teacher's chosen setup, parts hidden and a note at the top."""

from __future__ import annotations

import re
import urllib.parse

from tests.e2e.helpers import api
from tests.e2e.test_derivation import session_id, settle


def open_page(browser, url: str):
    page = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    return page, errors


def test_a_lesson_link_opens_the_teachers_setup_cut_down_with_a_note(watch, browser, server_url, artifacts):
    page = watch.page
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.click("#hand-preset")
    settle(page)
    page.check("input[name=hide-settings]")
    page.check("input[name=hide-play]")
    page.check("input[name=hide-code]")
    note = "Today: <b>why</b> δA sums over both outputs & nothing else"
    page.fill("#lesson-note-input", note)
    assert page.locator("#lesson-count").text_content() == f"{len(note)}/280"
    page.click("#lesson-make")
    link = page.locator("#lesson-link").input_value()
    query = urllib.parse.parse_qs(urllib.parse.urlparse(link).query)
    assert query["hide"] == ["settings,code,play"]  # in the table's order
    assert query["note"] == [note] and query["dataset"] == ["hand"]
    # the share link of the same run carries no lesson
    assert "note=" not in page.locator("#share-link").input_value()

    student, errors = open_page(browser, link)
    banner = student.locator("#lesson-banner")
    assert banner.is_visible()
    assert student.locator("#lesson-note").text_content() == note  # as text: no element made of it
    assert student.locator("#lesson-note *").count() == 0
    assert student.locator("#lesson-ignored").is_hidden()
    for hidden in (".settings-panel", ".code-panel", "#play", ".controls .speed >> nth=0"):
        assert student.locator(hidden).is_hidden(), hidden
    for shown in (".math-panel", "#step", "#next-phase", ".chart-panel", "#network"):
        assert student.locator(shown).first.is_visible(), shown
    config = api(f"{server_url}/api/sessions/{session_id(student)}")["config"]
    assert (config["dataset"], config["hidden"], config["f_A"]) == ("hand", 2, "sigmoid")
    # a hidden control's key does nothing; the others still work
    student.keyboard.press("p")
    with student.expect_response(re.compile(r"/step$")):
        student.keyboard.press("s")
    settle(student)
    assert student.locator("#play").get_attribute("aria-pressed") == "false"
    assert student.locator("#step-count").text_content() == "1"
    student.screenshot(path=artifacts / "lesson-student.png")
    assert errors == []
    student.context.close()


def test_unknown_keys_and_parts_are_ignored_with_a_notice(browser, server_url):
    url = f"{server_url}/?dataset=and&hidden=3&colour=red&hide=settings,nope&step=2"
    page, errors = open_page(browser, url)
    ignored = page.locator("#lesson-ignored")
    assert ignored.is_visible()
    text = ignored.text_content()
    assert "unknown key “colour”" in text and "no part named “nope”" in text and "hidden" not in text
    assert page.locator(".settings-panel").is_hidden()
    assert page.locator("#step-count").text_content() == "2"
    config = api(f"{server_url}/api/sessions/{session_id(page)}")["config"]
    assert (config["dataset"], config["hidden"]) == ("and", 3)
    assert errors == []
    page.context.close()


def test_the_note_is_bounded_and_a_plain_link_shows_no_lesson(browser, server_url):
    long = "x" * 300
    page, _ = open_page(browser, f"{server_url}/?note={long}")
    assert page.locator("#lesson-note").text_content() == "x" * 280
    assert "the note beyond its length" in page.locator("#lesson-ignored").text_content()
    assert page.locator("#lesson-note-input").get_attribute("maxlength") == "280"
    page.context.close()
    plain, _ = open_page(browser, f"{server_url}/?dataset=xor&step=1")
    assert plain.locator("#lesson-banner").is_hidden()
    assert plain.locator(".lesson-hidden").count() == 0
    plain.context.close()
