"""A reload keeps the run: a learner's tab comes back to its session at the same step and
phase, with its settings and its loss chart; a teacher's tab keeps its class and the class's
run; a run the server no longer has is said to be gone and a fresh one starts."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import PageWatch
from tests.e2e.helpers import api
from tests.e2e.test_classroom import same_as_teacher
from tests.e2e.test_td import td_mode

# What a reload must give back as it was: the run, the counters, the phase, the numbers, the chart.
SHOWN = """() => {
  const text = (sel) => { const el = document.querySelector(sel); return el ? el.textContent : null; };
  return {session: document.body.dataset.session, step: text('#step-count'), epoch: text('#epoch-count'),
          mean: text('#mean-loss'), phase: document.querySelector('#equations').dataset.phase,
          heading: text('#equations-heading'), psi: text('#val-psi-1 .num'), y_hat: text('#val-y_hat-1 .num'),
          points: document.querySelector('#loss-chart').dataset.points,
          dataset: document.querySelector('select[name=dataset]').value,
          hidden: document.querySelector('input[name=hidden]').value};
}"""


def settle(page) -> None:
    page.wait_for_function("document.body.dataset.busy !== 'true'")


def press(page, key: str, times: int = 1) -> None:
    for _ in range(times):
        page.keyboard.press(key)
        settle(page)


def reload(page) -> None:
    page.reload()
    page.locator("body[data-ready=true]").wait_for(timeout=15_000)
    settle(page)


def new_tab(context, url: str):
    page = context.new_page()
    page.watch = PageWatch(page, url)
    page.goto(url + "/")
    page.locator("body[data-ready=true]").wait_for(timeout=15_000)
    return page


def test_a_reload_in_the_middle_of_a_step_comes_back_to_the_same_step_and_phase(watch, server_url, artifacts):
    page = watch.page
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.select_option("select[name=dataset]", "sine")
    settle(page)
    press(page, "s", 3)
    press(page, "n", 3)  # a fourth step, walked as far as θ
    before = page.evaluate(SHOWN)
    assert before["step"] == "4" and before["phase"] == "theta" and before["dataset"] == "sine"
    reload(page)
    after = page.evaluate(SHOWN)
    assert after == before
    assert api(f"{server_url}/api/sessions/{after['session']}")["state"]["step"] == 4
    page.screenshot(path=str(artifacts / "reload-learner.png"))
    press(page, "n")  # the walk goes on within the same step
    assert page.locator("#equations").get_attribute("data-phase") == "y_hat"
    assert page.locator("#step-count").text_content() == "4"
    assert watch.errors == [], watch.errors


def test_a_reload_while_playing_comes_back_paused_at_the_step_the_server_took(watch, server_url):
    page = watch.page
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#step-count').textContent) >= 5", timeout=15_000)
    sid = page.evaluate("document.body.dataset.session")
    reload(page)
    assert page.evaluate("document.body.dataset.session") == sid
    assert page.locator("#play").get_attribute("aria-pressed") == "false"
    server_step = api(f"{server_url}/api/sessions/{sid}")["state"]["step"]
    assert server_step >= 5
    assert page.locator("#step-count").text_content() == str(server_step)
    assert int(page.locator("#loss-chart").get_attribute("data-points")) >= 5
    assert watch.errors == [], watch.errors


def test_td_mode_comes_back_at_the_same_step_and_phase(watch):
    page = watch.page
    td_mode(page)
    press(page, "s", 2)
    press(page, "n", 5)  # a third step, at its loss: y = R + γ v̂(S′)
    before = page.evaluate(SHOWN)
    strip = page.locator("#td-caption").text_content()
    assert before["step"] == "3" and before["phase"] == "loss"
    reload(page)
    assert page.evaluate("document.body.classList.contains('td-mode')")
    assert page.evaluate(SHOWN) == before
    assert page.locator("#td-caption").text_content() == strip
    assert watch.errors == [], watch.errors


def test_two_tabs_each_keep_their_own_run(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    one, two = new_tab(context, server_url), new_tab(context, server_url)
    press(one, "s", 2)
    press(two, "s", 5)
    runs = [p.evaluate("document.body.dataset.session") for p in (one, two)]
    assert runs[0] != runs[1]
    for page, run, step in ((one, runs[0], "2"), (two, runs[1], "5")):
        reload(page)
        assert page.evaluate("document.body.dataset.session") == run
        assert page.locator("#step-count").text_content() == step
        assert page.watch.errors == [], page.watch.errors
    context.close()


def test_a_link_opened_in_the_tab_comes_before_the_kept_run_and_is_kept_itself(watch, server_url):
    page = watch.page
    press(page, "s", 2)
    kept = page.evaluate("document.body.dataset.session")
    page.goto(server_url + "/?dataset=and&step=3")  # a link opened: its run, not the tab's
    page.locator("body[data-ready=true]").wait_for(timeout=15_000)
    settle(page)
    linked = page.evaluate("document.body.dataset.session")
    assert linked != kept
    assert page.locator("#step-count").text_content() == "3"
    press(page, "s")
    reload(page)  # reloaded, the link's run goes on where it was, not replayed from the link
    assert page.evaluate("document.body.dataset.session") == linked
    assert page.locator("#step-count").text_content() == "4"
    assert page.locator("select[name=dataset]").input_value() == "and"
    assert watch.errors == [], watch.errors


def test_a_run_the_server_no_longer_has_is_said_to_be_gone_and_a_fresh_one_starts(watch, server_url):
    page = watch.page
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.select_option("select[name=dataset]", "sine")
    settle(page)
    press(page, "s", 3)
    sid = page.evaluate("document.body.dataset.session")
    api(f"{server_url}/api/sessions/{sid}", "DELETE")  # expired, or a server restarted without Redis
    reload(page)
    notice = page.locator("#notice").text_content()
    assert "The run this tab had (step 3 on sine) is gone" in notice
    assert "fresh run with the same settings" in notice
    fresh = page.evaluate("document.body.dataset.session")
    assert fresh != sid
    assert page.locator("#step-count").text_content() == "0"
    assert api(f"{server_url}/api/sessions/{fresh}")["config"]["dataset"] == "sine"
    # the browser reports the 404 the page asked for and handled; nothing else went wrong
    assert [e for e in watch.errors if "404 (Not Found)" not in e] == [], watch.errors


def test_a_teacher_reload_keeps_the_class_its_run_and_the_phase_and_the_class_goes_on(room, artifacts):
    t = room.teacher
    t.click("#class-join-hide")
    for _ in range(2):
        t.click("#step")
        settle(t)
    for _ in range(3):
        t.click("#next-phase")
        settle(t)
    t.wait_for_function("document.querySelector('#equations').dataset.phase === 'theta'")
    same_as_teacher(room)
    before = t.evaluate(SHOWN)
    assert before["step"] == "3"
    reload(t)
    t.wait_for_function(f"document.querySelector('#class-bar-code').textContent === '{room.code}'")
    t.wait_for_function("document.querySelector('#class-bar-state').textContent === 'students follow'")
    assert t.evaluate(SHOWN) == before  # the same run, step and phase on the projector
    assert api(f"{room.url}/api/sessions/{before['session']}")["state"]["step"] == 3
    same_as_teacher(room)  # the students were not moved to a new run
    t.screenshot(path=str(artifacts / "reload-teacher.png"))
    t.click("#next-phase")
    t.wait_for_function("document.querySelector('#equations').dataset.phase === 'y_hat'")
    same_as_teacher(room)
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '4'")
    same_as_teacher(room)


def test_a_teacher_reload_keeps_the_class_paused_and_resume_brings_everyone_back(room):
    t = room.teacher
    t.click("#class-join-hide")
    t.click("#step")
    t.wait_for_function("document.querySelector('#step-count').textContent === '1'")
    t.click("#class-pause")
    room.wait_all("!document.querySelector('#class-cover').hidden")
    reload(t)
    t.wait_for_function(f"document.querySelector('#class-bar-code').textContent === '{room.code}'")
    assert t.locator("#class-bar-state").text_content() == "students paused"
    assert t.locator("#class-pause").text_content() == "Resume everyone"
    room.wait_all("!document.querySelector('#class-cover').hidden")  # still paused
    t.click("#class-pause")  # one press resumes: the page knew the class was paused
    room.wait_all("document.querySelector('#class-cover').hidden")
    same_as_teacher(room)


def test_after_a_restart_without_redis_a_reload_says_the_run_is_gone(browser):
    from tests.live_server import free_port, live_server

    port = free_port()
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    page = context.new_page()
    with live_server(port=port) as (url, _):
        page.goto(url + "/")
        page.locator("body[data-ready=true]").wait_for(timeout=15_000)
        press(page, "s", 2)
    with live_server(port=port) as (url, _):  # the same address, a new process with no sessions
        reload(page)
        notice = page.locator("#notice").text_content()
        assert "The run this tab had (step 2 on xor) is gone" in notice
        assert page.locator("#step-count").text_content() == "0"
        press(page, "s")  # the fresh run works
        assert page.locator("#step-count").text_content() == "1"
    context.close()


@pytest.mark.parametrize(
    "kind",
    [
        {"viewport": {"width": 1920, "height": 1080}},
        {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    ],
    ids=["1920x1080", "phone"],
)
def test_a_reload_on_a_projector_or_a_phone_keeps_the_step_and_the_phase(browser, server_url, kind):
    context = browser.new_context(bypass_csp=True, **kind)
    page = context.new_page()
    page.goto(server_url + "/")
    page.locator("body[data-ready=true]").wait_for(timeout=15_000)
    touch = kind.get("has_touch", False)
    for button in ["#step", "#step", "#next-phase", "#next-phase"]:
        (page.tap if touch else page.click)(button)
        settle(page)
    before = page.evaluate(SHOWN)
    assert before["step"] == "3" and before["phase"] == "x"
    reload(page)
    assert page.evaluate(SHOWN) == before
    context.close()
