"""Lesson links in the browser: a teacher's chosen setup, parts hidden and a note at the top."""

from __future__ import annotations

import json
import re
import urllib.parse

from app.classroom.lessons import PANEL_NAMES, PANELS
from app.classroom.lessons.check import DERIVATION_LINES
from app.classroom.lessons.text import visible_text
from app.limits import MAX_NOTE
from tests.e2e.helpers import api
from tests.e2e.test_derivation import session_id, settle
from tests.e2e.test_one_home import from_module


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


# ---------------------------------------------------------------- the server's lesson tables on the page


def test_the_pages_lesson_parts_are_the_servers_and_each_has_elements(watch):
    page = watch.page
    parts = from_module(page, "/static/state/lesson.js", "m.LESSON_PARTS")
    assert [(p["name"], p["label"]) for p in parts] == list(PANELS)
    selectors = from_module(page, "/static/state/lesson.js", "m.PART_SELECTORS")
    assert sorted(selectors) == sorted(PANEL_NAMES)  # no selector left for a part the server dropped
    for name in PANEL_NAMES:  # every part hides something that is on the page
        assert page.locator(selectors[name]).count() >= 1, name
    assert from_module(page, "/static/state/lesson.js", "m.MAX_NOTE") == MAX_NOTE
    # the teacher's form lists the server's labels in the server's order
    labels = page.locator("#lesson-parts label").all_text_contents()
    assert [label.strip() for label in labels] == [label for _, label in PANELS]


def test_the_server_drops_from_a_note_exactly_what_the_page_drops(watch):
    dropped = watch.page.evaluate(
        """import('/static/state/lesson.js').then((m) => {
            const out = [];
            for (let c = 0; c <= 0x10ffff; c++) {
              if (c >= 0xd800 && c <= 0xdfff) continue;
              if (c === 0x0d) continue;  // a carriage return becomes a line break first, on both sides
              if (m.visibleText(String.fromCodePoint(c)).text === '') out.push(c);
            }
            return out;
        })"""
    )
    ours = [
        c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and c != 0x0D and visible_text(chr(c)) == ""
    ]
    assert dropped == ours
    assert len(ours) > 3900  # the tags and the C0/C1 controls at least


def test_a_lessons_derivation_lines_are_the_pages(watch, server_url):
    page = watch.page
    session = session_id(page)
    config = api(f"{server_url}/api/sessions/{session}")["config"]
    B = api(f"{server_url}/api/sessions/{session}")["state"]["B"]
    for matrix, lines in DERIVATION_LINES.items():
        check = api(f"{server_url}/api/sessions/{session}/gradcheck?weight={matrix}.0.0")
        args = f"{json.dumps(check)}, {json.dumps(config)}, {json.dumps(B)}"
        count = from_module(page, "/static/state/derivation.js", f"m.derivationLines({args}).length")
        assert count == lines, matrix
