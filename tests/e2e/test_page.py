"""The explainer page in a real headless browser."""

from __future__ import annotations

import json
import math
import re
import urllib.request

import pytest

from tests.e2e.conftest import PageWatch

PHASE_IDS = ["psi", "x", "theta", "y_hat", "loss", "delta_B", "grad_B", "update_B", "delta_A", "grad_A",
             "update_A"]  # fmt: skip


def shown(page, name: str, index: int) -> str:
    """The number the diagram shows for a quantity, e.g. shown(page, 'psi', 1)."""
    return page.locator(f"#val-{name}-{index} .num").text_content()


def close_at_shown_precision(text: str, value: float) -> bool:
    """Does `text`, as the page rounds, stand for `value`?"""
    if re.fullmatch(r"-?\d+", text):
        return float(text) == value
    m = re.fullmatch(r"(-?\d+\.\d+)(?:e(-?\d+))?", text)
    assert m, f"unexpected number format {text!r}"
    digits = len(m.group(1).split(".")[1])
    unit = 10.0 ** (-digits) * (10.0 ** int(m.group(2)) if m.group(2) else 1.0)
    return math.isclose(float(text), value, abs_tol=unit / 2 + 1e-15)


def edge_labels(page, name: str) -> list[str]:
    return page.eval_on_selector_all(f".edge-{name}", "els => els.map(e => e.getAttribute('aria-label'))")


def step_once(page, key="s"):
    with page.expect_response(re.compile(r"/step$")) as info:
        page.keyboard.press(key)
    page.wait_for_function("document.body.dataset.busy !== 'true'")
    return info.value.json()


def test_page_works_under_its_content_security_policy(browser, server_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    w = PageWatch(page, server_url)
    page.goto(server_url + "/")
    page.locator("body[data-ready=true]").wait_for()
    page.click("#step")
    page.locator("#step-count", has_text="1").wait_for()
    page.click("#next-phase")
    page.locator("#equations[data-phase=psi]").wait_for()
    page.click("#play")
    page.locator("#step-count", has_text="5").wait_for()
    page.click("#play")
    page.locator(".katex").first.wait_for()
    page.wait_for_timeout(300)
    assert w.errors == [], w.errors  # a CSP violation is reported as a console error
    assert w.outside == []
    context.close()


def test_page_loads_offline_without_errors(watch, artifacts):
    page = watch.page
    page.wait_for_timeout(300)
    assert watch.errors == []
    assert watch.outside == []
    assert page.locator("#network-svg").count() == 1
    assert page.locator(".katex").count() > 0  # KaTeX rendered from the app's own copy
    assert page.locator("#loss-chart .uplot").count() == 1
    page.screenshot(path=artifacts / "page-before-step.png", full_page=True)


def test_step_shows_the_api_values(watch, artifacts):
    page = watch.page
    body = step_once(page)
    t = body["trace"]
    page.screenshot(path=artifacts / "page-after-step.png", full_page=True)
    for name in ("psi", "delta_A"):
        for j, v in enumerate(t[name]):
            assert close_at_shown_precision(shown(page, name, j + 1), v), (name, j)
    for j, v in enumerate(t["x"][: len(t["psi"])]):
        assert close_at_shown_precision(shown(page, "x", j + 1), v)
    for name in ("theta", "y_hat", "delta_B", "y"):
        for k, v in enumerate(t[name]):
            assert close_at_shown_precision(shown(page, name, k + 1), v), (name, k)
    assert page.locator("#step-count").text_content() == str(body["state"]["step"])
    assert watch.errors == []


def test_next_phase_walks_every_phase(watch):
    page = watch.page
    seen, headings, equations = [], [], []
    for _ in PHASE_IDS:
        page.keyboard.press("n")
        page.wait_for_function("document.body.dataset.busy !== 'true'")
        seen.append(page.locator("#equations").get_attribute("data-phase"))
        headings.append(page.locator("#equations-heading").text_content())
        equations.append(page.locator("#equations").inner_text())
        assert page.locator(".code-line.current").count() == 1
    assert seen == PHASE_IDS
    assert len(set(headings)) == len(PHASE_IDS) and len(set(equations)) == len(PHASE_IDS)
    # the δ^A phase shows the true ReLU derivative and says where the slides differ
    delta_A = equations[PHASE_IDS.index("delta_A")]
    assert "derivative is 1 for ψ > 0" in delta_A
    # the next press takes a new step and starts again at the first phase
    page.keyboard.press("n")
    page.wait_for_function("document.querySelector('#equations').dataset.phase === 'psi'")
    assert page.locator("#step-count").text_content() == "2"


def test_phase_highlights_what_is_computed_and_from_what(watch):
    page = watch.page
    for _ in range(PHASE_IDS.index("delta_A") + 1):
        page.keyboard.press("n")
        page.wait_for_function("document.body.dataset.busy !== 'true'")
    assert page.locator(".node-hid.computing").count() == 4
    assert page.locator(".edge-B.source").count() > 0 and page.locator(".node-out.source").count() == 1
    assert page.locator(".edge-A.faded").count() > 0


def test_play_then_pause_advances_and_draws(watch):
    page = watch.page
    points_before = int(page.locator("#loss-chart").get_attribute("data-points") or 0)
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#step-count').textContent) >= 5", timeout=15_000)
    page.click("#play")
    page.wait_for_timeout(300)
    step_paused = int(page.locator("#step-count").text_content())
    page.wait_for_timeout(500)
    assert int(page.locator("#step-count").text_content()) == step_paused  # paused means paused
    points = int(page.locator("#loss-chart").get_attribute("data-points"))
    assert points >= points_before + 5
    assert watch.errors == []


def test_reset_restores_the_seed_weights(watch):
    page = watch.page
    initial_A, initial_B = edge_labels(page, "A"), edge_labels(page, "B")
    page.keyboard.press("e")
    page.wait_for_function("document.querySelector('#step-count').textContent === '4'")
    assert edge_labels(page, "A") != initial_A
    with page.expect_response(re.compile(r"/reset$")):
        page.click("#reset")
    page.wait_for_function("document.querySelector('#step-count').textContent === '0'")
    assert edge_labels(page, "A") == initial_A and edge_labels(page, "B") == initial_B


def test_rejected_setting_shows_the_server_message_and_keeps_the_session(watch):
    page = watch.page
    page.fill("input[name=hidden]", "999")
    with page.expect_response(re.compile(r"/api/sessions$")) as info:
        page.dispatch_event("input[name=hidden]", "change")
    assert info.value.status == 422
    message = info.value.json()["message"]
    error = page.locator(".field-error[data-for=hidden]")
    error.wait_for()
    assert error.text_content() == message and "256" in message
    with page.expect_response(re.compile(r"/step$")):
        page.click("#step")  # the old session still works
    page.locator("#step-count", has_text="1").wait_for()


def test_divergence_is_explained_never_nan(watch, artifacts):
    page = watch.page
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.select_option("select[name=dataset]", "sine")
    page.wait_for_function("document.querySelector('#mean-loss').textContent !== '—'")
    for field in ("alpha_A", "alpha_B"):
        page.fill(f"input[name={field}]", "10")
        with page.expect_response(re.compile(r"/api/sessions/import$")):  # the run goes on with α changed
            page.dispatch_event(f"input[name={field}]", "change")
    page.select_option("select[name=f_A]", "linear")
    page.wait_for_timeout(200)
    for _ in range(5):
        page.click("#epoch")
        page.wait_for_timeout(150)
    banner = page.locator("#diverged")
    banner.wait_for(state="visible")
    text = banner.inner_text()
    assert "lower" in text.lower() and "alpha_A" in text
    page.screenshot(path=artifacts / "page-diverged.png", full_page=True)
    body = page.locator("body").inner_text()
    assert "NaN" not in body and "Infinity" not in body


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_readable_without_overlaps(browser, server_url, artifacts, size):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.keyboard.press("s")
    page.wait_for_timeout(300)
    page.screenshot(path=artifacts / f"page-{size[0]}x{size[1]}.png")
    boxes = page.eval_on_selector_all(
        ".panel, .node rect, .controls button",
        """els => els.map(e => {
            const r = e.getBoundingClientRect();
            return [e.className.baseVal ?? e.className, r.x, r.y, r.width, r.height];
        })""",
    )

    def overlap(a, b):
        _, ax, ay, aw, ah = a
        _, bx, by, bw, bh = b
        return ax < bx + bw - 1 and bx < ax + aw - 1 and ay < by + bh - 1 and by < ay + ah - 1

    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            nested = "panel" in str(a[0]) or "panel" in str(b[0])
            assert nested or not overlap(a, b), (a, b)
    panels = [b for b in boxes if "panel" in str(b[0])]
    for i, a in enumerate(panels):
        for b in panels[i + 1 :]:
            assert not overlap(a, b), (a, b)
    # numbers on the diagram are at least 12 CSS pixels tall on screen
    height = page.eval_on_selector("#val-psi-1", "e => e.getBoundingClientRect().height")
    assert height >= 12
    context.close()


def test_every_control_has_a_name_and_a_key(watch):
    page = watch.page
    unnamed = page.eval_on_selector_all(
        "button, select, input",
        """els => els.filter(e => {
            const label = e.labels && e.labels.length && e.labels[0].textContent.trim();
            const name = e.getAttribute('aria-label') || label || e.textContent.trim();
            return !name;
        }).map(e => e.outerHTML)""",
    )
    assert unnamed == []
    for button in ("next-phase", "step", "epoch", "play", "reset", "reset-seed"):
        assert page.locator(f"#{button}").get_attribute("aria-keyshortcuts")
    page.keyboard.press("Tab")
    # edges are reachable by keyboard and show their exact value on focus
    page.locator("#edge-A-0-0").focus()
    assert page.locator("#tooltip").is_visible()
    assert re.match(r"A1,1 = -?\d", page.locator("#tooltip").text_content())


def test_session_lost_on_the_server_is_restarted(watch, server_url):
    page = watch.page
    sid = page.evaluate("document.body.dataset.session")
    req = urllib.request.Request(f"{server_url}/api/sessions/{sid}", method="DELETE")
    urllib.request.urlopen(req).close()
    page.keyboard.press("s")
    notice = page.locator("#notice")
    notice.wait_for(state="visible")
    assert "fresh one" in notice.text_content()
    new_sid = page.evaluate("document.body.dataset.session")
    assert new_sid != sid
    with urllib.request.urlopen(f"{server_url}/api/sessions/{new_sid}") as r:
        assert json.load(r)["config"]["dataset"] == "xor"


def test_after_a_server_restart_the_page_starts_a_fresh_session_with_the_same_settings(browser):
    from tests.live_server import free_port, live_server

    port = free_port()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    with live_server(port=port) as (url, _):
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]")
        with page.expect_response(re.compile(r"/api/sessions$")):
            page.select_option("select[name=dataset]", "sine")
        old = page.evaluate("document.body.dataset.session")
    with live_server(port=port) as (url, _):  # the same address, a new process with no sessions
        page.click("#step")
        notice = page.locator("#notice")
        notice.wait_for(state="visible")
        assert "fresh one" in notice.text_content()
        new = page.evaluate("document.body.dataset.session")
        assert new != old
        with urllib.request.urlopen(f"{url}/api/sessions/{new}") as r:
            assert json.load(r)["config"]["dataset"] == "sine"
    context.close()
