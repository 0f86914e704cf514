"""Classroom mode in a real browser: a teacher's page drives, three students follow
(two laptops and a phone), answer a class quiz, are paused, released and gathered."""

from __future__ import annotations

import re

from tests.e2e.conftest import PageWatch

LAPTOP = {"viewport": {"width": 1280, "height": 720}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# What a student's page must show as the projector does: the counters, the phase and the diagram.
SHOWN = """() => {
  const text = (sel) => { const el = document.querySelector(sel); return el ? el.textContent : null; };
  return [text('#step-count'), text('#epoch-count'), text('#mean-loss'), text('#equations-heading'),
          text('#val-psi-1 .num'), text('#val-y_hat-1 .num'), text('#val-delta_B-1 .num')];
}"""


class Class:
    def __init__(self, browser, server_url) -> None:
        self.browser, self.url = browser, server_url
        self.contexts = []
        self.teacher = self.page(LAPTOP, "/")
        self.teacher.locator("body[data-ready=true]").wait_for()
        self.teacher.click("#class-start")
        self.teacher.locator("#class-join:not([hidden])").wait_for()
        self.code = self.teacher.locator("#class-code").text_content()
        self.students = [self.page(kind, f"/c/{self.code}") for kind in (LAPTOP, LAPTOP, PHONE)]
        for s in self.students:
            s.locator("body[data-class-state=following]").wait_for(timeout=15_000)
        self.teacher.wait_for_function("document.querySelector('#class-joined').textContent === '3'")

    def page(self, kind: dict, path: str):
        context = self.browser.new_context(bypass_csp=True, **kind)
        self.contexts.append(context)
        page = context.new_page()
        page.watch = PageWatch(page, self.url)
        page.goto(self.url + path)
        return page

    def wait_all(self, script: str, timeout: float = 15_000) -> None:
        for s in self.students:
            s.wait_for_function(script, timeout=timeout)

    def shown(self, page) -> list:
        return page.evaluate(SHOWN)

    def close(self) -> None:
        for page in [self.teacher, *self.students]:
            assert page.watch.errors == [], page.watch.errors
            assert page.watch.outside == [], page.watch.outside
        for context in self.contexts:
            context.close()


def notice(page) -> str:
    return page.locator("#notice").text_content() + " | step " + page.locator("#step-count").text_content()


def same_as_teacher(room) -> None:
    room.teacher.wait_for_function("document.body.dataset.busy !== 'true'")
    want = room.shown(room.teacher)
    for s in room.students:
        try:
            s.wait_for_function(
                f"(want) => JSON.stringify(({SHOWN})()) === JSON.stringify(want)", arg=want, timeout=15_000
            )
        except Exception as e:  # say what differs
            raise AssertionError(f"the projector showed {want}, a student {room.shown(s)}") from e
        assert room.shown(s) == want


def test_the_join_panel_shows_the_code_a_qr_code_and_the_count_and_no_names(room):
    t = room.teacher
    assert re.fullmatch(r"[ACEFGHJKMNPRWXY34679]{6}", room.code)
    assert t.locator("#class-url").text_content() == f"{room.url}/c/{room.code}"
    t.locator("#class-qr svg.qr path").wait_for(state="attached")
    assert t.locator("#class-qr svg.qr path").count() == 1
    assert t.locator("#class-joined").text_content() == "3"
    key = t.evaluate("JSON.parse(sessionStorage.getItem('backprop-class-teacher')).key")
    assert len(key) >= 32
    assert key not in t.content()  # the key drives the class: kept, never shown
    for s in room.students:
        assert s.locator("#class-banner").is_visible()
        assert room.code in s.locator("#class-banner").text_content()
        for control in ("#step", "#next-phase", "#play", "#reset", "#rate"):
            assert s.locator(control).is_disabled(), control
        assert s.locator("#class-start").is_hidden()


def test_students_follow_step_next_phase_reset_and_play(room):
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '1'")
    same_as_teacher(room)
    t.click("#next-phase")  # a new step, at its first phase
    t.wait_for_function("document.querySelector('#step-count').textContent === '2'")
    same_as_teacher(room)
    t.click("#next-phase")
    t.click("#next-phase")
    t.wait_for_function("/^Phase 3 /.test(document.querySelector('#equations-heading').textContent)")
    same_as_teacher(room)
    # A following student's keys do not drive: S on their page steps nothing.
    room.students[0].keyboard.press("s")
    t.click("#reset")
    t.wait_for_function("document.querySelector('#step-count').textContent === '0'")
    # before a step the projector shows the next step's forward pass: so do the students
    t.wait_for_function("document.querySelector('#val-y_hat-1 .num').textContent !== '·'")
    same_as_teacher(room)
    # New settings make a new session of the teacher's: the class follows it.
    t.fill("input[name=hidden]", "3")
    t.locator("input[name=hidden]").blur()  # the field's own change event: one new session
    room.wait_all("document.querySelectorAll('#network [id^=val-psi-]').length === 3")
    t.wait_for_function("!/moving/.test(document.querySelector('#class-bar-state').textContent)")
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '1'")
    same_as_teacher(room)
    t.select_option("#rate", "2")
    t.click("#play")
    try:
        room.wait_all("Number(document.querySelector('#step-count').textContent) >= 3", timeout=60_000)
    except Exception as e:  # say what the projector said (a busy server refuses play for a while)
        raise AssertionError(f"students did not follow play; the teacher's notice: {notice(t)!r}") from e
    assert t.locator("#play").get_attribute("aria-pressed") == "true"
    t.click("#play")
    t.click("#step")  # after play, one step: the projector and the class agree on it
    t.wait_for_function("document.body.dataset.busy !== 'true'")
    same_as_teacher(room)


def test_a_class_quiz_collects_three_answers_and_reveals_the_true_value(room):
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    same_as_teacher(room)
    t.select_option("#class-quiz-entry", label="δB_1")
    t.click("#class-ask")
    room.wait_all("!document.querySelector('#class-answer').hidden")
    assert "δ" in room.students[0].locator("#class-answer-prompt").text_content()
    for i, s in enumerate(room.students):
        s.fill("#class-answer-value", str([-0.5, 0.25, 1.0][i]))
        s.click("#class-answer-send")
        s.wait_for_function("document.querySelector('#class-answer-status').textContent.startsWith('Sent')")
    t.wait_for_function("document.querySelector('#class-answered').textContent === '3'")
    bars = t.eval_on_selector_all(
        "#class-histogram rect.class-bar", "rs => rs.map(r => Number(r.dataset.count))"
    )
    assert sum(bars) == 3 and max(bars) == 1
    assert t.locator("#class-truth").count() == 0
    t.click("#class-reveal")
    t.locator("#class-truth").wait_for(state="attached")  # a line: no area to be "visible"
    truth = t.locator("#class-quiz-truth").text_content()
    assert truth.startswith("The true value: ")
    value = truth.removeprefix("The true value: ")
    room.wait_all("document.querySelector('#class-result').textContent !== ''")
    for i, s in enumerate(room.students):
        result = s.locator("#class-result").text_content()
        assert value in result and ["-0.5000", "0.2500", "1"][i] in result, result
        assert s.locator("#class-answer-value").is_disabled()


def test_pause_release_gather_and_end(room):
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    same_as_teacher(room)
    t.click("#class-pause")
    room.wait_all("!document.querySelector('#class-cover').hidden")
    for s in room.students:
        assert "Eyes on the front" in s.locator("#class-cover").text_content()
        assert s.locator("#class-cover").is_visible()
    t.click("#class-pause")
    room.wait_all("document.querySelector('#class-cover').hidden")

    t.click("#class-release")
    room.wait_all("document.body.dataset.classState === 'released'")
    for n, s in enumerate(room.students):  # each steps alone, from the teacher's step 1
        assert not s.locator("#step").is_disabled()
        for _ in range(n + 1):
            s.click("#step")
            s.wait_for_function("document.body.dataset.busy !== 'true'")
        s.wait_for_function(f"document.querySelector('#step-count').textContent === '{n + 2}'")
    assert t.locator("#step-count").text_content() == "1"

    t.click("#class-release")  # gather
    room.wait_all("document.body.dataset.classState === 'following'")
    same_as_teacher(room)
    for s in room.students:
        assert s.locator("#step").is_disabled()
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '2'")
    same_as_teacher(room)

    t.click("#class-end")
    room.wait_all("document.body.dataset.classState === 'ended'")
    for s in room.students:
        assert "Class ended" in s.locator("#class-banner").text_content()
    response = t.request.get(f"{room.url}/c/{room.code}")
    assert response.status == 404


def test_a_teacher_who_reloads_goes_on_teaching_the_same_class(room):
    t = room.teacher
    t.reload()
    t.locator("body[data-ready=true]").wait_for()
    t.wait_for_function(f"document.querySelector('#class-bar-code').textContent === '{room.code}'")
    t.wait_for_function("document.querySelector('#class-bar-state').textContent === 'students follow'")
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '1'")
    same_as_teacher(room)


def test_a_student_who_joins_late_sees_the_loss_curve_so_far(room):
    t = room.teacher
    t.click("#class-join-hide")
    for _ in range(12):
        t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '12'")
    t.wait_for_function("document.querySelector('#loss-chart').dataset.points === '12'")
    late = room.page(LAPTOP, f"/c/{room.code}")
    late.locator("body[data-class-state=following]").wait_for(timeout=15_000)
    late.wait_for_function("document.querySelector('#loss-chart').dataset.points === '12'")
    assert late.locator("#step-count").text_content() == "12"
    room.students.append(late)  # and it follows on, like the others
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '13'")
    late.wait_for_function("document.querySelector('#loss-chart').dataset.points === '13'")
    same_as_teacher(room)


def test_a_phone_student_has_the_equation_and_the_question_on_the_first_screen(room, artifacts):
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    same_as_teacher(room)
    t.click("#class-ask")
    phone = room.students[2]
    phone.locator("#class-answer:not([hidden])").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    for selector in ("#class-answer-value", "#equations-heading", "#equations .katex"):
        box = phone.locator(selector).first.bounding_box()
        assert box is not None and box["y"] + min(box["height"], 40) <= 844, (selector, box)
    # The diagram's type as drawn on the screen: its font size times the SVG's scale.
    smallest = phone.evaluate(
        """() => {
          const svg = document.querySelector('#network svg');
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return Math.min(...[...svg.querySelectorAll('.val, .col-head')]
            .map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
        }"""
    )
    assert smallest >= 12, smallest
    phone.screenshot(path=str(artifacts / "class-phone.png"))


def test_a_typed_code_joins_and_a_wrong_one_is_explained(room, server_url):
    page = room.page(LAPTOP, "/join")
    page.fill("#code", room.code.lower())
    page.click("button[type=submit]")
    page.locator("body[data-class-state=following]").wait_for(timeout=15_000)
    assert page.url.endswith(f"/c/{room.code}")
    room.teacher.wait_for_function("document.querySelector('#class-joined').textContent === '4'")
    page.goto(server_url + "/join?code=XXXXXX")
    assert page.locator("[role=alert]").is_visible()
    page.watch.errors.clear()  # the 404 of the wrong code is the page's own answer


def test_a_button_of_the_class_bar_with_a_data_command_sends_that_command(room):
    """A new command's button is markup alone: the bar sends what data-command names, a
    form's named fields with it."""
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    same_as_teacher(room)
    t.evaluate("""() => document.querySelector('#class-drive').insertAdjacentHTML('beforeend',
      '<button id="cover" type="button" data-command="pause">cover</button>' +
      '<form id="to-delta" data-command="view">' +
      '<input name="phase" value="delta_B"><button>go</button></form>')""")
    t.click("#cover")
    room.wait_all("!document.querySelector('#class-cover').hidden")
    t.click("#to-delta button")
    room.wait_all("document.querySelector('#equations-heading').textContent.includes('δ')")
    for s in room.students:
        assert "B" in s.locator("#equations-heading").text_content()
