"""A link is anyone's to write: what it may ask of every page that opens it is bounded, and what is
not taken is said in words."""

from __future__ import annotations

import json
import urllib.parse

from tests.e2e.helpers import api
from tests.e2e.test_derivation import session_id
from tests.e2e.test_lesson import open_page

# Bidirectional controls (a line that reads backwards) and characters that are not seen (text hidden).
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
UNSEEN = BIDI + "\u200b\u2060\ufeff\U000e0041"


def steps_asked(page) -> list[str]:
    asked: list[str] = []
    page.on("request", lambda r: r.url.endswith("/step") and asked.append(r.url))
    return asked


def test_a_link_asking_for_more_steps_than_a_link_replays_opens_at_step_0_and_says_why(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    page = context.new_page()
    asked = steps_asked(page)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server_url}/?dataset=xor&hidden=3&step=1000000000000")
    page.wait_for_selector("body[data-ready=true]")
    said = page.locator("#lesson-ignored")
    assert said.is_visible()
    text = said.text_content()
    says = "step 1,000,000,000,000: a link replays at most 100,000 steps, so this run starts at step 0"
    assert says in text
    assert "with the current weights" in text
    # the link's settings are taken; none of its steps is asked for
    assert page.locator("#step-count").text_content() == "0"
    assert asked == []
    config = api(f"{server_url}/api/sessions/{session_id(page)}")["config"]
    assert (config["dataset"], config["hidden"]) == ("xor", 3)
    assert page.locator("#lesson-note").is_hidden() and page.locator(".lesson-hidden").count() == 0
    assert errors == []
    context.close()


def test_a_step_past_the_bound_or_no_whole_number_is_not_replayed_and_said(browser, server_url):
    cases = [
        ("100001", "step 100,001: a link replays at most 100,000 steps"),
        ("1e3", "step “1e3”: not a whole number of steps"),
        ("-5", "step “-5”: not a whole number of steps"),
        ("9" * 400, "step of 400 digits: a link replays at most"),
    ]
    for step, says in cases:
        page, errors = open_page(browser, f"{server_url}/?dataset=and&step={step}")
        assert says in page.locator("#lesson-ignored").text_content(), step
        assert page.locator("#step-count").text_content() == "0"
        assert errors == []
        page.context.close()
    # a step within the bound is replayed as before, and nothing is said
    page, _ = open_page(browser, f"{server_url}/?dataset=and&step=3")
    assert page.locator("#step-count").text_content() == "3"
    assert page.locator("#lesson-banner").is_hidden()
    page.context.close()


def test_a_link_whose_steps_take_more_calls_than_a_link_replays_starts_at_step_0(browser, server_url):
    # A network whose steps cost the most here: the server's own per-call bound names how many a call takes.
    config = {"environment": {"name": "random_walk", "states": 1000}, "hidden": 99}
    per_call = api(f"{server_url}/api/sessions", "POST", config)["limits"]["max_steps"]
    asked = per_call * 11  # eleven calls, one more than a link replays
    assert asked <= 100_000, "the link must be within the bound on steps, to be refused for its calls"
    walk = json.dumps(config["environment"])
    query = urllib.parse.urlencode({"environment": walk, "hidden": 99, "step": asked})
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    steps = steps_asked(page)
    page.goto(f"{server_url}/?{query}")
    page.wait_for_selector("body[data-ready=true]")
    notice = page.locator("#notice").text_content()
    assert "steps were not replayed: on this network they take 11 calls" in notice, notice
    assert "a link replays at most 10" in notice
    assert page.locator("#step-count").text_content() == "0" and steps == []
    page.context.close()
    # ten calls' worth is replayed
    page, errors = open_page(browser, f"{server_url}/?dataset=xor&step=7")
    assert page.locator("#step-count").text_content() == "7" and errors == []
    page.context.close()


def test_a_notes_bidirectional_controls_and_unseen_characters_are_dropped_and_said(browser, server_url):
    # U+202E turns what follows around until U+202C; U+2067 until the line's end; the rest hide text
    note = "Read \u202esdrawkcab\u202c this\u2067 <img src=x> \u200bhidden\U000e0041 👩‍🏫 فارسی‌ها"
    query = urllib.parse.urlencode({"dataset": "xor", "note": note, "\u202ekey": "1"})
    page, errors = open_page(browser, f"{server_url}/?{query}")
    shown = page.locator("#lesson-note")
    text = shown.text_content()
    # the joiners of 👩‍🏫 and of فارسی‌ها are kept
    assert text == "Read sdrawkcab this <img src=x> hidden 👩‍🏫 فارسی‌ها"
    assert not set(text) & set(UNSEEN)
    assert page.locator("#lesson-note *").count() == 0  # text, never markup
    # the note reads in its own direction, each line isolated from the page around it
    assert shown.get_attribute("dir") == "auto"
    assert shown.evaluate("el => getComputedStyle(el).unicodeBidi") == "plaintext"
    ignored = page.locator("#lesson-ignored").text_content()
    assert "the note’s invisible characters that reorder or hide text (U+202E, U+202C, U+2067, …)" in ignored
    assert "unknown key “key”" in ignored and not set(ignored) & set(UNSEEN)
    # the teacher's form is filled with the note as shown: a link made from it carries none of them
    assert page.locator("#lesson-note-input").input_value() == text
    assert errors == []
    page.context.close()


def test_a_note_of_nothing_but_unseen_characters_shows_no_note(browser, server_url):
    page, _ = open_page(browser, f"{server_url}/?dataset=xor&note={urllib.parse.quote(UNSEEN * 30)}")
    assert page.locator("#lesson-note").is_hidden()
    assert "invisible characters" in page.locator("#lesson-ignored").text_content()
    page.context.close()
