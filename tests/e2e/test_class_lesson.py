"""The slides, live: a lesson paced stop by stop, alone with Next and Previous stop (and a
clicker's PageDown), and in a class where a phone and two laptops follow the teacher and a late
joiner lands on the current stop; each stop's numbers are the API's for that step."""

from __future__ import annotations

import json
import re

from tests.e2e.helpers import api
from tests.e2e.test_classroom import LAPTOP, same_as_teacher
from tests.e2e.test_td import settle

STOP = "document.querySelector('#lesson-stop').textContent"
STUDENT_STOP = "document.querySelector('#lesson-stop-only').textContent"


def open_slides(page) -> None:
    page.click("#settings-open")
    page.wait_for_function("document.querySelector('#lesson-pick').options.length > 0")
    page.select_option("#lesson-pick", "slides")
    page.click("#lesson-start")
    page.wait_for_function(f"{STOP}.startsWith('Stop 1 of ')")
    settle(page)


def shown_number(page, element: str) -> str:
    return page.locator(f"#{element} .num").text_content()


def fmt(v: float) -> str:
    from tests.e2e.test_derivation import fmt as page_fmt

    return page_fmt(v)


def test_alone_the_slides_walk_stop_by_stop_with_the_apis_numbers(watch, server_url, artifacts):
    page = watch.page
    lesson = api(f"{server_url}/api/lessons/slides")
    steps = []
    page.on("response", lambda r: re.search(r"/step$", r.url) and steps.append(r))
    open_slides(page)
    sid = page.evaluate("document.body.dataset.session")
    # the lesson's own run: its config (f_B linear, ½SE) and its weights
    config = api(f"{server_url}/api/sessions/{sid}")["config"]
    assert config["f_B"] == lesson["config"]["f_B"] == "linear" and config["A"] == lesson["config"]["A"]
    taken = 0
    for i, stop in enumerate(lesson["stops"]):
        assert page.evaluate(STOP) == f"Stop {i + 1} of {len(lesson['stops'])}: {stop['title']}"
        assert page.locator("#lesson-note").text_content() == stop["note"]
        assert page.locator("#stop-prev").is_disabled() == (i == 0)
        taken += stop["step"] or (1 if stop["phase"] and taken == 0 else 0)
        assert page.locator("#step-count").text_content() == str(taken), (i, stop["title"])
        if stop["phase"]:
            assert page.locator("#equations").get_attribute("data-phase") == stop["phase"]
        if stop["derive"]:
            page.wait_for_selector(f"#derivation-panel[data-ready=true][data-weight='{stop['derive']}']")
            assert page.locator("#derivation-panel").get_attribute("data-line") == str(stop["line"])
        else:
            assert page.locator("#derivation-panel").is_hidden()
        for part, selector in (("code", ".code-panel"), ("settings", "#settings-open")):
            assert page.locator(selector).first.is_hidden() == (part in stop["hide"]), (i, part)
        if steps:  # the diagram shows the last step's numbers, as the API answered them
            body = json.loads(steps[-1].text())
            trace = body["trace"]
            if stop["phase"] in ("update_B", "delta_A", "update_A"):
                for k, value in enumerate(trace["delta_B"]):
                    assert shown_number(page, f"val-delta_B-{k + 1}") == fmt(value), (i, k)
        page.screenshot(path=artifacts / f"lesson-slides-{i + 1}.png")
        if i < len(lesson["stops"]) - 1:
            page.keyboard.press("PageDown")  # a presentation clicker's key
            page.wait_for_function(f"{STOP}.startsWith('Stop {i + 2} of')")
            settle(page)
    assert page.locator("#stop-next").is_disabled()
    page.click("#stop-prev")
    page.wait_for_function(f"{STOP}.startsWith('Stop {len(lesson['stops']) - 1} of')")
    page.click("#stop-close")
    page.locator("#lesson-banner").wait_for(state="hidden")
    assert watch.errors == [], watch.errors


def test_a_class_follows_the_teachers_stops_and_a_late_joiner_lands_on_the_stop(room, server_url, artifacts):
    t = room.teacher
    t.click("#class-join-hide")
    lesson = api(f"{server_url}/api/lessons/slides")
    open_slides(t)
    first = f"Stop 1 of {len(lesson['stops'])}: {lesson['stops'][0]['title']}"
    room.wait_all(f"{STUDENT_STOP} === {json.dumps(first)}")
    asking = next(i for i, s in enumerate(lesson["stops"]) if s["ask"])
    for i in range(1, asking + 1):
        t.keyboard.press("PageDown")
        t.wait_for_function(f"{STOP}.startsWith('Stop {i + 1} of')")
        settle(t)
        derive = lesson["stops"][i]["derive"]
        if derive:  # the stop's derivation on every page, at its line, with the projector's numbers
            ready = f"#derivation-panel[data-ready=true][data-weight='{derive}']"
            t.wait_for_selector(ready)
            line = str(lesson["stops"][i]["line"])
            t.wait_for_selector(f"#derivation-panel[data-line='{line}']")
            # every line on show, numbers and all (text content: a line folded on one screen counts too)
            want = t.locator(".derive-line:not([hidden])").all_text_contents()
            assert len(want) == int(line) + 1
            for s in room.students:
                s.wait_for_selector(f"{ready}[data-line='{line}']")
                assert s.locator(".derive-line:not([hidden])").all_text_contents() == want
    stop = lesson["stops"][asking]
    said = f"Stop {asking + 1} of {len(lesson['stops'])}: {stop['title']}"
    room.wait_all(f"{STUDENT_STOP} === {json.dumps(said)}")
    for s in room.students:  # the stop's note, and its question to answer
        assert s.locator("#lesson-note").text_content() == stop["note"]
        assert s.locator("#stop-next").is_hidden()  # the teacher paces the lesson
    room.wait_all("!document.querySelector('#class-answer').hidden")
    same_as_teacher(room)
    # a student who joins now lands on this stop, its question open
    late = room.page(LAPTOP, f"/c/{room.code}")
    late.locator("body[data-class-state=following]").wait_for(timeout=15_000)
    late.wait_for_function(f"{STUDENT_STOP} === {json.dumps(said)}")
    late.wait_for_function("!document.querySelector('#class-answer').hidden")
    room.students.append(late)
    same_as_teacher(room)
    t.screenshot(path=artifacts / "lesson-class-teacher.png")
    room.students[2].screenshot(path=artifacts / "lesson-class-phone.png")
    # the stop's question in two rounds: every student answers, discusses, answers again
    for s in room.students:
        answer(s, "0.5")
    t.wait_for_function(f"document.querySelector('#class-answered').textContent === '{len(room.students)}'")
    t.click("#class-revote")
    room.wait_all("/^Round 2: discuss/.test(document.querySelector('#class-answer-prompt').textContent)")
    for s in room.students:
        answer(s, "0.25")
    t.wait_for_function(f"document.querySelector('#class-answered').textContent === '{len(room.students)}'")
    t.click("#class-reveal")
    t.wait_for_function("document.querySelectorAll('#class-histogram .class-round').length === 2")
    n = len(room.students)
    t.wait_for_function(
        f"/^round 1: . of {n} right → round 2: . of {n} right\\.$/.test("
        "document.querySelector('#class-rounds').textContent)"
    )
    # and on to the lesson's last stop, every student with the projector
    for i in range(asking + 1, len(lesson["stops"])):
        t.keyboard.press("PageDown")
        said = f"Stop {i + 1} of {len(lesson['stops'])}: {lesson['stops'][i]['title']}"
        t.wait_for_function(f"{STOP} === {json.dumps(said)}")
        settle(t)
        room.wait_all(f"{STUDENT_STOP} === {json.dumps(said)}")
    same_as_teacher(room)


def answer(page, value: str) -> None:
    page.fill("#class-answer-value", value)
    page.click("#class-answer-send")
    page.wait_for_function(
        f"document.querySelector('#class-answer-status').textContent.startsWith('Sent: {value}')"
    )


def test_a_teachers_reload_keeps_the_lesson_at_its_stop(room, server_url):
    t = room.teacher
    t.click("#class-join-hide")
    lesson = api(f"{server_url}/api/lessons/slides")
    open_slides(t)
    for i in (1, 2):
        t.keyboard.press("PageDown")
        t.wait_for_function(f"{STOP}.startsWith('Stop {i + 1} of')")
        settle(t)
    t.reload()
    t.locator("body[data-ready=true]").wait_for(timeout=15_000)
    t.wait_for_function(f"{STOP}.startsWith('Stop 3 of')")
    t.keyboard.press("PageDown")
    said = f"Stop 4 of {len(lesson['stops'])}: {lesson['stops'][3]['title']}"
    t.wait_for_function(f"{STOP} === {json.dumps(said)}")
    room.wait_all(f"{STUDENT_STOP} === {json.dumps(said)}")
