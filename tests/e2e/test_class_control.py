"""A class follows a control-mode (Mountain Car) run in the browser: the teacher's page chooses
control mode and opens a class, a phone joins and shows control mode as the teacher's page does
(the car, the output tags); the teacher steps and plays, and the phone's step count, transition
strip and car are the teacher's and the server's; the same with the tile coder, whose active tiles
the phone draws as x; neither page reports an error."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import api
from tests.e2e.test_classroom import LAPTOP, PHONE, Class
from tests.e2e.test_control import ACTIONS, control_mode, fmt
from tests.e2e.test_control_tiles import tiles_mode
from tests.e2e.test_td import settle

PARTS = ["S", "A", "R", "S′", "A′", "y"]
THROTTLE = ["−1", "none", "+1"]
STEP_COUNT = "document.querySelector('#step-count').textContent"


class ControlClass(Class):
    """A teacher at a laptop in control mode with `features`, who opens a class a phone joins."""

    def __init__(self, browser, server_url, features: str) -> None:
        self.browser, self.url, self.contexts = browser, server_url, []
        self.teacher = self.page(LAPTOP, "/")
        self.teacher.locator("body[data-ready=true]").wait_for()
        (tiles_mode if features == "tiles" else control_mode)(self.teacher)
        self.teacher.click("#class-start")
        self.teacher.locator("#class-join:not([hidden])").wait_for()
        self.code = self.teacher.locator("#class-code").text_content()
        self.teacher.click("#class-join-hide")
        self.students = [self.page(PHONE, f"/c/{self.code}")]
        self.phone.locator("body[data-class-state=following]").wait_for(timeout=15_000)
        self.teacher.wait_for_function("document.querySelector('#class-joined').textContent === '1'")

    @property
    def phone(self):
        return self.students[0]

    def session(self) -> dict:
        """The teacher's session as the server has it."""
        sid = self.teacher.locator("body").get_attribute("data-session")
        return api(f"{self.url}/api/sessions/{sid}")

    def same_count(self, step: int) -> None:
        """The teacher's page and the phone both show step `step`."""
        for page in (self.teacher, *self.students):
            try:
                page.wait_for_function(f"{STEP_COUNT} === '{step}'", timeout=15_000)
            except Exception as e:  # say what is on show
                raise AssertionError(f"step {step} wanted, the page shows {page.evaluate(STEP_COUNT)}") from e
            settle(page)

    def step(self, key: str = "s") -> dict:
        """One step of the teacher's (S: shown whole, N: at its first phase); the server's answer,
        once the phone shows its count."""
        t = self.teacher
        t.click("h1")  # out of any form, so that the key acts on the page
        with t.expect_response(re.compile(r"/step$")) as info:
            t.keyboard.press(key)
        settle(t)
        body = info.value.json()
        self.same_count(body["state"]["step"])
        return body


@pytest.fixture
def lesson(request, browser, server_url):
    c = ControlClass(browser, server_url, request.param)
    yield c
    c.close()  # no page errors and no request outside the server, on either page


def strip(page) -> list[str]:
    return [page.locator(f".strip-part[data-part='{p}'] .strip-value").text_content() for p in PARTS]


def strip_of(trace: dict) -> list[str]:
    """The strip as the page writes the server's trace (static/views/transitionstrip.js)."""
    tr = trace["transition"]
    a = tr["action"]
    pair = "({}, {})".format
    goal = ", the goal" if tr["terminal"] else ""
    return [
        pair(*map(fmt, tr["state"])),
        f"{ACTIONS[a]} ({THROTTLE[a]})",
        fmt(tr["reward"]),
        pair(*map(fmt, tr["next_state"])) + goal,
        "— (episode over)"
        if tr["terminal"]
        else f"{ACTIONS[tr['next_action']]} ({THROTTLE[tr['next_action']]})",
        fmt(trace["y"][a]),
    ]


def car_of(page) -> dict:
    svg = page.locator("#car-svg")
    return {
        "p": float(svg.get_attribute("data-p")),
        "x": svg.get_attribute("data-x"),
        "transform": page.locator("#car").get_attribute("transform"),
    }


def shot(page, path, selector: str | None = None) -> None:
    """A screenshot of the screen, scrolled to `selector` just below the top bar if given; two
    animation frames first, so that a panel scrolled into view is drawn (content-visibility)."""
    if selector:
        page.locator(selector).evaluate(
            "(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY"
            " - document.querySelector('.topbar').offsetHeight - 8)"
        )
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.screenshot(path=path)


def shows_the_step(lesson, body: dict) -> None:
    """The phone's strip and car are the teacher's, and both are the server's step `body`."""
    want = strip_of(body["trace"])  # drawn with the step's count, which both pages show
    assert strip(lesson.teacher) == want
    assert strip(lesson.phone) == want
    served = lesson.session()["state"]
    assert served["step"] == body["state"]["step"] == int(lesson.phone.locator("#step-count").text_content())
    tr = body["trace"]["transition"]
    assert [served["car"]["p"], served["car"]["v"]] == tr["next_state"]  # S′ is where the car is now
    assert served["car"]["action"] == tr["next_action"]  # ... and A′ what it does next
    assert car_of(lesson.phone) == car_of(lesson.teacher)
    assert car_of(lesson.phone)["p"] == served["car"]["p"]


@pytest.mark.parametrize("lesson", ["network"], indirect=True)
def test_a_phone_that_joins_a_control_class_shows_the_car_and_the_teachers_output_tags(lesson):
    t, phone = lesson.teacher, lesson.phone
    assert lesson.session()["config"]["environment"]["name"] == "mountain_car"
    phone.wait_for_function("document.body.classList.contains('control-mode')")
    for page in (t, phone):
        assert page.locator(".car-panel").is_visible()
        assert page.locator(".td-panel").is_hidden() and page.locator(".fit-panel").is_hidden()
        assert page.locator("#car-svg").is_visible()
    tags = [t.locator(f"#tag-node-out-{a}").text_content() for a in range(3)]
    assert tags == [f"q̂(s, {name})" for name in ACTIONS]
    assert [phone.locator(f"#tag-node-out-{a}").text_content() for a in range(3)] == tags
    assert [phone.locator(f"#tag-node-in-{i}").text_content() for i in range(2)] == ["p, scaled", "v, scaled"]
    for control in ("#step", "#play"):
        assert phone.locator(control).is_disabled(), control
    # Before a step the car is not placed yet, on either page.
    assert phone.locator("#car-svg").get_attribute("data-p") is None
    assert strip(phone) == ["·"] * 6 == strip(t)


@pytest.mark.parametrize("lesson", ["network"], indirect=True)
def test_the_phone_follows_steps_and_play_with_the_servers_transition_and_car(lesson, artifacts):
    t, phone = lesson.teacher, lesson.phone
    for _ in range(3):
        body = lesson.step()
        shows_the_step(lesson, body)
    assert body["state"]["step"] == 3
    assert (
        float(phone.locator("#transition-strip").get_attribute("data-target"))
        == body["trace"]["y"][body["trace"]["transition"]["action"]]
    )
    # The teacher's questions: every q̂, named by its action; δᴮ and B's column of the action taken
    # only (the others' are 0 and unmoved, and the page says so).
    a = body["trace"]["transition"]["action"]
    options = t.eval_on_selector_all("#class-quiz-entry option", "os => os.map((o) => o.textContent)")
    named = [f"q̂(S, {name})" + (", taken" if k == a else "") for k, name in enumerate(ACTIONS)]
    assert [o for o in options if o.startswith("ŷ")] == [f"ŷ_{k + 1} ({named[k]})" for k in range(3)]
    assert [o for o in options if o.startswith("δB")] == [f"δB_{a + 1} ({named[a]})"]
    new_b = [o for o in options if o.startswith("the new B")]
    assert len(new_b) == 33 and all(o.endswith(f"{a + 1} ({named[a]})") for o in new_b), new_b[:3]

    # Play at two frames a second; pause just after a frame, far from the next one.
    t.select_option("#rate", "2")
    t.click("#play")
    t.wait_for_function(f"Number({STEP_COUNT}) >= 6", timeout=30_000)
    t.click("#play")
    settle(t)
    assert t.locator("#play").get_attribute("aria-pressed") == "false"
    served = lesson.session()["state"]
    assert served["step"] >= 6
    lesson.same_count(served["step"])
    assert strip(phone) == strip(t)
    p, v = served["car"]["p"], served["car"]["v"]
    assert strip(phone)[3] == f"({fmt(p)}, {fmt(v)})" and strip(phone)[4].startswith(
        ACTIONS[served["car"]["action"]] + " ("
    )
    assert car_of(phone) == car_of(t) and car_of(phone)["p"] == p
    assert phone.locator("#car-words").text_content() == t.locator("#car-words").text_content()

    # And a step after play: the whole strip is the server's again, and the phone's maps (of the
    # class's values: the phone has no session of its own to ask) are of the same weights.
    body = lesson.step()
    shows_the_step(lesson, body)
    step_now = body["state"]["step"]
    maps = "document.getElementById('cost-maps')"
    for page in (t, phone):
        page.wait_for_function(f"{maps}.dataset.step === '{step_now}'", timeout=10_000)
    for edge in ("data-lo", "data-hi"):
        assert phone.locator("#map-cost").get_attribute(edge) == t.locator("#map-cost").get_attribute(edge)
    # A step walked phase by phase: at its first phase, before ŷ is shown, the strip is the step's.
    shows_the_step(lesson, lesson.step("n"))
    heading = "document.querySelector('#equations-heading').textContent"
    phone.wait_for_function(f"{heading}.startsWith('Phase 1 ')")
    assert t.evaluate(heading) == phone.evaluate(heading)
    caption = t.locator("#transition-caption").text_content()
    assert "Error y" not in caption, caption  # −δᴮ: the projector shows it from δᴮ's phase on
    target = caption.split(" Its error")[0]  # the target, with its numbers
    assert phone.locator("#transition-caption").text_content().startswith(target)
    for name, page in (("teacher", t), ("phone", phone)):
        shot(page, artifacts / f"class-control-{name}.png")
        shot(page, artifacts / f"class-control-{name}-car.png", ".car-panel")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("lesson", ["tiles"], indirect=True)
def test_the_phone_follows_the_tile_coder_and_draws_its_active_tiles_as_x(lesson, artifacts):
    t, phone = lesson.teacher, lesson.phone
    assert lesson.session()["config"]["environment"]["features"] == "tiles"
    phone.wait_for_selector("#network-svg.tiles")
    assert phone.locator(".car-panel").is_visible()
    for _ in range(2):
        body = lesson.step()
        shows_the_step(lesson, body)
    tiles = body["trace"]["tiles"]
    assert len(tiles) == 8
    for page in (t, phone):
        labels = [page.locator(f"#tile-label-{r}").text_content() for r in range(8)]
        assert labels == [f"tile {j}" for j in tiles]
        assert all(page.locator(f"#tile-x-{r}").text_content() == "x = 1" for r in range(8))
    shot(t, artifacts / "class-tiles-teacher.png")
    shot(phone, artifacts / "class-tiles-phone.png", "#network-svg")
    shot(phone, artifacts / "class-tiles-phone-car.png", ".car-panel")
