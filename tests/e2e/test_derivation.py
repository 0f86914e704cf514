"""The slides' derivation for one weight, in the browser: its lines, the diagram's marks, and its
last line and finite difference against the server's trace and weight check."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import api


def session_id(page) -> str:
    return page.evaluate("document.body.dataset.session")


def settle(page) -> None:
    page.wait_for_function("document.body.dataset.busy !== 'true'")


def open_by_click(page, edge: str) -> None:
    page.click(f"#{edge}")
    page.click("#weight-editor-derive")


def open_by_key(page, edge: str) -> None:
    page.locator(f"#{edge}").focus()
    page.keyboard.press("d")


def wait_derivation(page, weight: str, step: int) -> None:
    page.wait_for_selector(
        f"#derivation-panel[data-ready=true][data-weight='{weight}'][data-step='{step}']", timeout=10_000
    )


def walk_to_the_end(page) -> int:
    """Next until it is disabled; the number of lines shown."""
    n = 1
    while page.locator("#derivation-next").is_enabled():
        page.click("#derivation-next")
        n += 1
        page.wait_for_selector(f"#derivation-panel[data-line='{n - 1}']")
    return n


def shown_lines(page) -> int:
    return page.locator(".derive-line:not([hidden])").count()


def press_steps(page, n: int) -> None:
    for _ in range(n):
        step = int(page.locator("#step-count").text_content())
        page.click("#step")
        page.wait_for_function(f"document.querySelector('#step-count').textContent === '{step + 1}'")


def hand_preset(page) -> None:
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.click("#hand-preset")
    settle(page)


@pytest.mark.parametrize("two_outputs", [False, True], ids=["xor", "hand"])
def test_the_last_line_is_the_next_steps_gradient_and_the_finite_difference_the_servers(
    watch, server_url, two_outputs
):
    page = watch.page
    if two_outputs:
        hand_preset(page)
    else:
        with page.expect_response(re.compile(r"/api/sessions$")):
            page.select_option("select[name=f_A]", "tanh")  # no dead unit: no factor x_j is 0
        settle(page)
        press_steps(page, 2)  # the next sample is xor's (1, 0): no factor s_1 is 0
    step = int(page.locator("#step-count").text_content())
    sid = session_id(page)
    weights = [("B.1.0", "edge-B-1-0", open_by_click, 5), ("A.0.1", "edge-A-0-1", open_by_key, 6)]
    for weight, edge, opener, lines in weights:
        opener(page, edge)
        wait_derivation(page, weight, step)
        assert shown_lines(page) == 1
        assert walk_to_the_end(page) == lines
        assert shown_lines(page) == lines
        check = api(f"{server_url}/api/sessions/{sid}/gradcheck?weight={weight}")
        result = page.locator(".derive-line[data-result]").last
        assert float(result.get_attribute("data-result")) == check["backprop"]
        assert f"= {fmt(check['backprop'])}, the gradient" in result.inner_text()
        last = page.locator(".derive-check")
        assert float(last.get_attribute("data-numeric")) == check["numeric"]
        assert float(last.get_attribute("data-rel-error")) == check["rel_error"] < 1e-6
        assert check["backprop"] != 0
    # The derivation is at the next step's point: that step's trace carries exactly its gradient.
    derived = float(page.locator(".derive-line[data-result]").last.get_attribute("data-result"))
    with page.expect_response(re.compile(r"/step$")) as info:
        page.click("#step")
    trace = info.value.json()["trace"]
    assert trace["grad_A"][0][1] == derived
    # and it follows to the point of the step after
    wait_derivation(page, "A.0.1", step + 1)
    check = api(f"{server_url}/api/sessions/{sid}/gradcheck?weight=A.0.1")
    result = page.locator(".derive-line[data-result]").last.get_attribute("data-result")
    assert float(result) == check["backprop"]
    assert watch.errors == []


def fmt(v: float) -> str:
    """The page's one number format (lib/format.js) for the values these tests meet."""
    a = abs(v)
    if v == int(v) and a < 1e5:
        return str(int(v))
    if a >= 1e5 or a < 5e-4:
        mantissa, exp = f"{v:.2e}".split("e")
        return f"{mantissa}e{int(exp)}"
    s = f"{v:.4f}"
    return "0.0000" if s == "-0.0000" else s


def test_lines_in_the_slides_order_with_the_path_and_each_factor_marked(watch):
    page = watch.page
    open_by_key(page, "edge-A-0-1")
    wait_derivation(page, "A.0.1", 0)
    # the path from A_12 to L: its edge, its hidden unit, every edge of B out of it, the output, L
    for el in ("edge-A-0-1", "node-in-0", "node-hid-1", "edge-B-1-0", "node-out-0", "val-loss"):
        assert "derive-path" in page.locator(f"#{el}").get_attribute("class"), el
    assert "derive-path" not in page.locator("#edge-A-0-0").get_attribute("class")
    says = []
    factors = []
    shown = {}  # each line as it reads while it is the current one (earlier lines may fold to their heading)
    for n in range(6):
        says.append(page.locator(f".derive-line[data-index='{n}'] .derive-says").inner_text())
        shown[n] = page.locator(f".derive-line[data-index='{n}']").inner_text()
        factors.append(page.eval_on_selector_all(".derive-factor", "els => els.map(e => e.id).sort()"))
        if n < 5:
            page.keyboard.press(".")
            page.wait_for_selector(f"#derivation-panel[data-line='{n + 1}']")
    # δᴮ, then θ through B_jk, then f_A′ at ψ_j, then s_i, then δᴬ_j s_i, then the check
    for n, word in enumerate(["δB", "B2k", "fA′", "s1", "δA2 s1", "finite difference"]):
        assert word in says[n].replace("\n", ""), (n, says[n])
    assert factors[0] == ["node-out-0", "val-loss"]
    assert factors[1] == ["edge-B-1-0"]
    assert factors[2] == ["node-hid-1"]
    assert factors[3] == ["edge-A-0-1", "node-in-0"]
    assert factors[5] == []
    # ReLU: the slides' first erratum where f_A′ is shown; one output: the sum has one term
    assert "That is ReLU itself" in shown[2]
    assert "one term" in shown[4]
    # an erratum stays where it happens even when its line is folded
    assert "That is ReLU itself" in page.locator(".derive-line[data-index='2']").inner_text()
    page.keyboard.press(",")
    page.wait_for_selector("#derivation-panel[data-line='4']")
    assert shown_lines(page) == 5
    page.click("#derivation-close")
    page.locator("#derivation-panel").wait_for(state="hidden")
    assert page.locator(".derive-path").count() == 0


def test_several_outputs_sum_over_every_path_with_the_erratum_and_the_reuse(watch, artifacts):
    page = watch.page
    hand_preset(page)
    open_by_key(page, "edge-A-0-1")
    wait_derivation(page, "A.0.1", 0)
    for el in ("edge-B-1-0", "edge-B-1-1", "node-out-0", "node-out-1"):
        assert "derive-path" in page.locator(f"#{el}").get_attribute("class"), el
    first = page.locator(".derive-line[data-index='0']").inner_text()  # while it is the current line
    assert "sums over the 2 outputs" in first and "Backprop reuses this factor" in first
    walk_to_the_end(page)
    erratum = page.locator(".derive-line[data-index='4'] .erratum").inner_text()
    assert "the slides derive this for one output k" in erratum and "every path" in erratum
    page.locator(".meter-panel").scroll_into_view_if_needed()  # a tool off the screen is not drawn
    reuse = page.locator("#meter-reuse")
    page.wait_for_function("document.getElementById('meter-reuse').innerText !== ''")  # drawn once in view
    assert reuse.is_visible() and "computed once" in reuse.inner_text() and "3 weights" in reuse.inner_text()
    page.locator("#derivation-panel").screenshot(path=artifacts / "derivation-hand-A12.png")
    page.screenshot(path=artifacts / "derivation-hand-page.png")
    # B's derivation touches one output only and reuses nothing: the note goes
    open_by_key(page, "edge-B-2-1")
    wait_derivation(page, "B.2.1", 0)
    assert reuse.is_hidden()
    assert "only the term of output 2" in page.locator(".derive-line[data-index='0']").inner_text()


def test_a_derivation_closes_when_the_network_loses_its_weight(watch):
    page = watch.page
    open_by_key(page, "edge-B-3-0")
    wait_derivation(page, "B.3.0", 0)
    page.fill("input[name=hidden]", "2")
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.dispatch_event("input[name=hidden]", "change")
    page.locator("#derivation-panel").wait_for(state="hidden")
    assert watch.errors == []
