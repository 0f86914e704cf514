"""A diverged run is handled in place: the warning takes no room from the diagram, the equations
or the chart, it offers a lower α named with its value, and changing α says what becomes of the run."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_layout import PHONE
from tests.e2e.test_td import settle

SCREENS = {
    "1280x720": {"viewport": {"width": 1280, "height": 720}},
    "1920x1080": {"viewport": {"width": 1920, "height": 1080}},
    "390x844": PHONE,
}
THE_THREE = ["#network", "#equations", "#loss-chart"]
BOXES = """sels => sels.map(s => {
  const r = document.querySelector(s).getBoundingClientRect();
  return { what: s, top: r.top, bottom: r.bottom, left: r.left, right: r.right };
})"""


@pytest.fixture(params=list(SCREENS), ids=list(SCREENS))
def page(request, browser, server_url):
    context = browser.new_context(bypass_csp=True, **SCREENS[request.param])
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    yield page
    context.close()


def press(page, selector: str) -> None:
    if page.evaluate("matchMedia('(pointer: coarse)').matches"):
        page.tap(selector)
    else:
        page.click(selector)
    settle(page)


def set_alpha(page, name: str, value: str) -> None:
    page.fill(f"input[name={name}]", value)
    with page.expect_response(re.compile(r"/api/sessions/import$")):  # the same run, with α changed
        page.press(f"input[name={name}]", "Tab")
    settle(page)


def meet(a: dict, b: dict) -> bool:
    across = a["left"] < b["right"] and b["left"] < a["right"]
    return across and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_a_diverged_run_is_lowered_in_place_and_goes_on(page):
    page.select_option("select[name=dataset]", "sine")
    settle(page)
    press(page, "#step")
    set_alpha(page, "alpha_A", "10")
    notice = page.locator("#notice")
    assert notice.text_content() == "α_A changed to 10 and α_B to 0.1; the run goes on from step 1."
    assert page.locator("#step-count").text_content() == "1"
    set_alpha(page, "alpha_B", "10")
    assert notice.text_content() == "α changed to 10; the run goes on from step 1."
    page.click("h1")
    warning = page.locator("#diverged")
    for _ in range(60):
        without_warning = page.evaluate(BOXES, THE_THREE)
        press(page, "#step")
        if warning.is_visible():
            break
    assert warning.is_visible()
    step = page.locator("#step-count").text_content()
    with_warning = page.evaluate(BOXES, THE_THREE)
    # the step was not taken, the same step is on show: only the warning came, and it moved nothing
    assert with_warning == without_warning
    size = page.viewport_size
    shown = page.evaluate(BOXES, ["#diverged"])[0]
    assert shown["top"] >= 0 and shown["bottom"] <= size["height"], shown  # on the screen, where it is read
    if size["width"] >= 1000:  # one screen: over the diagram's legend, never over what it is about
        assert [box["what"] for box in with_warning if meet(box, shown)] == []
    # the fix, named with its value and with what becomes of the run: a tenth of α, from the start
    button = page.locator("#lower-alpha")
    assert button.text_content() == "Lower α to 1 and start again"
    press(page, "#lower-alpha")
    assert warning.is_hidden()
    assert notice.text_content() == "α changed to 1; the run starts again at step 0."
    assert page.locator("#step-count").text_content() == "0"
    assert page.input_value("input[name=alpha_A]") == "1" and page.input_value("input[name=alpha_B]") == "1"
    if size["width"] >= 1000:  # one screen, whatever it shows: the notice moved nothing either
        assert page.evaluate(BOXES, THE_THREE) == with_warning
    for n in range(1, int(step) + 2):  # past the step that overflowed before
        press(page, "#step")
        assert warning.is_hidden(), n
    assert page.locator("#step-count").text_content() == str(int(step) + 1)


def test_alpha_typed_while_the_last_change_is_on_its_way_is_kept(browser, server_url):
    """α_B typed while α_A's new run is being made is neither filled over by that run's settings nor lost."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    held = []
    page.route(re.compile(r"/api/sessions/import$"), lambda route: held.append(route))
    page.fill("input[name=alpha_A]", "2")
    page.dispatch_event("input[name=alpha_A]", "change")
    page.wait_for_function("document.body.dataset.busy === 'true'")
    while not held:
        page.wait_for_timeout(20)
    page.fill("input[name=alpha_B]", "3")  # typed, not yet changed: the learner is still in the field
    held.pop().continue_()
    page.unroute(re.compile(r"/api/sessions/import$"))
    settle(page)
    assert page.input_value("input[name=alpha_A]") == "2"
    assert page.input_value("input[name=alpha_B]") == "3"
    with page.expect_response(re.compile(r"/api/sessions/import$")):
        page.dispatch_event("input[name=alpha_B]", "change")
    settle(page)
    said = page.locator("#notice").text_content()
    assert said == "α_A changed to 2 and α_B to 3; the run goes on from step 0."
    context.close()
