"""Where things are: a projector reaches Start a class, the hand-check preset and the settings
without scrolling; a following student sees no control the teacher drives; a class question
leaves the diagram and the equations on the first screen of the projector and of every student."""

from __future__ import annotations

import pytest

from tests.e2e.test_classroom import LAPTOP, PHONE, same_as_teacher
from tests.e2e.test_layout import PHONE as TOUCH_PHONE
from tests.e2e.test_td import settle

PROJECTORS = {
    "1280x720": {"viewport": {"width": 1280, "height": 720}},
    "1920x1080": {"viewport": {"width": 1920, "height": 1080}},
}
SHOWN_BOX = """e => { const r = e.getBoundingClientRect();
  return { top: r.top, bottom: r.bottom, left: r.left, right: r.right,
           width: innerWidth, height: innerHeight }; }"""


def on_screen(page, selector: str, least: float = 0) -> dict:
    """The element's box, asserted inside the window without scrolling and at least `least` px high."""
    box = page.locator(selector).first.evaluate(SHOWN_BOX)
    assert page.evaluate("scrollY") == 0
    assert box["top"] >= 0 and box["left"] >= 0, (selector, box)
    assert box["bottom"] <= box["height"] and box["right"] <= box["width"], (selector, box)
    assert box["bottom"] - box["top"] >= least, (selector, box)
    return box


@pytest.fixture(params=[*PROJECTORS, "390x844"])
def page(request, browser, server_url):
    kind = PROJECTORS.get(request.param, TOUCH_PHONE)
    context = browser.new_context(bypass_csp=True, **kind)
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    yield page
    context.close()


def test_start_a_class_the_hand_check_and_the_settings_are_on_the_first_screen(page):
    touch = page.evaluate("matchMedia('(pointer: coarse)').matches")
    press = page.tap if touch else page.click
    on_screen(page, "#class-start")
    on_screen(page, "#settings-open")
    press("#settings-open")
    assert page.locator("#settings-open").get_attribute("aria-expanded") == "true"
    on_screen(page, "#hand-preset")
    on_screen(page, "#settings input[name=alpha_A]")
    assert page.evaluate("document.activeElement.id") == "hand-preset"
    if not touch:  # beside the diagram, which stays in view
        on_screen(page, "#network", least=300)
        assert (
            page.locator("#network").evaluate(SHOWN_BOX)["right"]
            <= page.locator("#settings-panel").evaluate(SHOWN_BOX)["left"]
        )
    press("#hand-preset")
    settle(page)
    page.wait_for_function("document.querySelector('select[name=dataset]').value === 'hand'")
    press("#settings-close")
    assert page.locator("#settings-open").get_attribute("aria-expanded") == "false"
    assert page.evaluate("scrollY") == 0


# Every control a page shows that cannot be pressed, and every text telling to press one.
BLOCKED = """() => {
  const shown = (e) => e.offsetWidth || e.offsetHeight;
  const off = [...document.querySelectorAll('button, select, input, textarea')]
    .filter((e) => shown(e) && e.disabled);
  return off.map((e) => e.id || e.name || e.outerHTML.slice(0, 60));
}"""
PRESS_TEXT = [
    "Press “Next phase”",
    "click or Enter: edit",
    "to edit",
    "derive its gradient",
    "Check gradients",
]
DRIVEN = ["#next-phase", "#step", "#play", "#rate", "#settings-open", "#hand-preset", "#class-start"]
BEFORE_A_STEP = "getComputedStyle(document.querySelector('#equations'), '::before').content"


def test_a_following_student_sees_no_control_the_teacher_drives(room):
    for s in room.students:
        assert s.evaluate(BLOCKED) == []
        text = s.locator("body").inner_text()
        assert [words for words in PRESS_TEXT if words in text] == []
        assert "The teacher’s next step shows here" in s.evaluate(BEFORE_A_STEP)
        for hidden in DRIVEN:
            assert s.locator(hidden).is_hidden(), hidden
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    same_as_teacher(room)
    t.select_option("#class-quiz-entry", label="δB_1")
    t.click("#class-ask")
    room.wait_all("!document.querySelector('#class-answer').hidden")
    for s in room.students:
        assert s.evaluate(BLOCKED) == []
    # a student's own controls are back once released
    t.click("#class-release")
    room.wait_all("document.body.dataset.classState === 'released'")
    assert room.students[0].locator("#step").is_visible()


def test_a_class_question_leaves_the_diagram_and_the_equations_on_every_first_screen(room):
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    t.click("#step")
    same_as_teacher(room)
    t.select_option("#class-quiz-entry", label="δB_1")
    t.click("#class-ask")
    room.wait_all("!document.querySelector('#class-answer').hidden")
    for s in room.students:
        s.fill("#class-answer-value", "0.25")
        s.click("#class-answer-send")
    t.wait_for_function("document.querySelector('#class-answered').textContent === '3'")
    # the widest code and the longest state a class bar shows: it gives way before a button wraps
    t.evaluate("""() => { document.getElementById('class-bar-code').textContent = 'WWMWWM';
      document.getElementById('class-bar-joined').textContent = '300';
      document.getElementById('class-bar-state').textContent = 'moving the class to the new settings…'; }""")
    # the projector at 1280×720 and 1920×1080: the diagram, the equations and the question with its answers
    for size in PROJECTORS.values():
        t.set_viewport_size(size["viewport"])
        t.wait_for_function("document.body.dataset.busy !== 'true'")
        on_screen(t, "#network", least=300)
        on_screen(t, "#equations .katex", least=20)
        on_screen(t, "#equations", least=120)
        on_screen(t, "#class-ask")
        on_screen(t, "#class-histogram", least=100)
        bar = t.locator("#class-drive").evaluate(SHOWN_BOX)
        assert bar["bottom"] - bar["top"] <= 45, bar  # one row
        quiz = t.locator("#class-quiz").evaluate(SHOWN_BOX)
        assert quiz["bottom"] - quiz["top"] <= 60, quiz  # one compact row
    # each student: the question and the equations, a laptop's diagram too
    for s, kind in zip(room.students, [LAPTOP, LAPTOP, PHONE], strict=True):
        on_screen(s, "#class-answer-value")
        on_screen(s, "#equations .katex", least=20)
        if kind is LAPTOP:
            on_screen(s, "#equations", least=120)
            on_screen(s, "#network", least=300)
