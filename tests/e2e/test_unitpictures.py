"""What each unit computes, drawn in its node, and the next step's forward pass shown before it is taken."""

from __future__ import annotations

import re
import time

from tests.e2e.helpers import api
from tests.e2e.test_derivation import fmt, press_steps, session_id, settle


def shown(page, name: str, index: int) -> str:
    return page.locator(f"#val-{name}-{index} .num").text_content()


def pictures(page) -> list[tuple[str, str]]:
    return page.eval_on_selector_all(
        ".unit-picture",
        "els => els.filter(e => e.closest('.node'))"
        ".map(e => [e.closest('.node').id, e.getAttribute('href')])",
    )


def version(page) -> int:
    return int(page.eval_on_selector("#network-svg", "e => Number(e.dataset.pictures || 0)"))


def test_before_the_first_step_the_diagram_shows_the_next_forward_pass(watch, server_url):
    page = watch.page
    sid = session_id(page)
    t = api(f"{server_url}/api/sessions/{sid}/gradcheck?weight=B.0.0")["trace"]
    page.wait_for_function("document.querySelector('#val-psi-1 .num').textContent !== '·'")
    for name, n in (("psi", 4), ("x", 4), ("theta", 1), ("y_hat", 1)):
        for i in range(n):
            assert shown(page, name, i + 1) == fmt(t[name][i]), (name, i)
    assert page.locator("#val-loss").text_content() == f"L = {fmt(t['loss'])}"
    # δ is not part of the forward pass: it waits for the step
    assert shown(page, "delta_A", 1) == "·"
    # the first step's trace is that very forward pass
    with page.expect_response(re.compile(r"/step$")) as info:
        page.click("#step")
    step = info.value.json()["trace"]
    assert [fmt(v) for v in step["psi"]] == [fmt(v) for v in t["psi"]]
    # new weights by hand: again before a step, and the forward pass is the new one's
    page.locator("#edge-A-0-0").focus()
    page.keyboard.type("0.75")
    with page.expect_response(re.compile(r"/weights$")):
        page.keyboard.press("Enter")
    t2 = api(f"{server_url}/api/sessions/{sid}/gradcheck?weight=B.0.0")["trace"]
    page.wait_for_function(
        f"document.querySelector('#val-psi-1 .num').textContent === '{fmt(t2['psi'][0])}'", timeout=10_000
    )
    assert shown(page, "theta", 1) == fmt(t2["theta"][0])
    assert watch.errors == []


def test_every_unit_shows_what_it_computes_live_by_one_request_per_refresh(watch, server_url, artifacts):
    page = watch.page
    asked: list[tuple[float, dict]] = []

    def on_request(r):
        if r.url.endswith("/predict") and '"units"' in (r.post_data or ""):
            asked.append((time.monotonic(), r.post_data_json))

    page.on("request", on_request)
    page.wait_for_function("Number(document.querySelector('#network-svg').dataset.pictures || 0) > 0")
    first = dict(pictures(page))
    # 2-D data: a heat map inside every hidden node and the output node, as data: PNG images
    assert sorted(first) == ["node-hid-0", "node-hid-1", "node-hid-2", "node-hid-3", "node-out-0"]
    assert all(href.startswith("data:image/png;base64,") for href in first.values())
    assert page.locator(".unit-picture-map").count() == 5
    before = version(page)
    press_steps(page, 4)
    page.wait_for_function(f"Number(document.querySelector('#network-svg').dataset.pictures) > {before}")
    assert dict(pictures(page)) != first  # live: the pictures follow the weights
    # While playing: at most two refreshes a second, each one request
    played = time.monotonic()
    with page.expect_response(re.compile(r"/predict$")):
        page.click("#play")
    page.wait_for_function("Number(document.querySelector('#step-count').textContent) > 40", timeout=60_000)
    page.keyboard.press("p")
    page.wait_for_selector("#play[aria-pressed=false]")
    settle(page)
    during = [t for t, body in asked if body["units"] and t >= played]
    gaps = [b - a for a, b in zip(during, during[1:], strict=False)]
    # The page keeps 500 ms between starts; what this process sees of them may be late or early (one
    # request held up by a busy machine comes nearer the next): never the 50 ms of a request a frame.
    assert len(during) >= 3 and min(gaps) > 0.25 and sum(gaps) / len(gaps) > 0.45, gaps
    # one request a refresh, not one a frame: the page played 20 frames a second
    steps = int(page.locator("#step-count").text_content()) - 4
    assert len(during) <= steps / 4, (len(during), steps)
    page.locator("#network").screenshot(path=artifacts / "unit-pictures-xor.png")
    # 1-D data: a curve in each node
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.select_option("select[name=dataset]", "sine")
    page.wait_for_function("document.querySelectorAll('.unit-picture-curve').length === 5")
    sid = session_id(page)
    assert len(asked[-1][1]["s"][0]) == 1
    assert asked[-1][1]["units"] is True
    last = api(f"{server_url}/api/sessions/{sid}/predict", "POST", asked[-1][1])  # the page's own request
    lo = float(page.locator("#node-hid-0 .unit-picture").get_attribute("data-lo"))
    assert lo == min(row[0] for row in last["x"])
    assert watch.errors == []


def test_pictures_and_the_derivation_under_the_pages_content_security_policy(browser, server_url):
    from tests.e2e.conftest import PageWatch

    context = browser.new_context(viewport={"width": 1280, "height": 720})  # the CSP kept
    page = context.new_page()
    w = PageWatch(page, server_url)
    page.goto(server_url + "/")
    page.locator("body[data-ready=true]").wait_for()
    page.locator("#node-hid-0 image.unit-picture").wait_for(state="attached")
    page.locator("#edge-A-1-0").focus()
    page.keyboard.press("d")
    page.locator("#derivation-panel[data-ready=true] .katex").first.wait_for()
    page.click("#step")
    page.locator("#derivation-panel[data-step='1']").wait_for()
    href = page.locator("#node-out-0 image.unit-picture").get_attribute("href")
    assert href.startswith("data:image/png;base64,")
    assert w.errors == [], w.errors  # a CSP violation is reported as a console error
    assert w.outside == []
    context.close()


# Each picture's changes while playing, with the time of the animation frame that made them.
PICTURE_WATCH = """() => {
  window.__painted = [];
  window.__pausedAt = Infinity; // the animation frame in which Pause was taken
  const play = document.getElementById('play');
  new MutationObserver(() => {
    if (play.getAttribute('aria-pressed') === 'false' && window.__pausedAt === Infinity) {
      window.__pausedAt = document.timeline.currentTime;
    }
  }).observe(play, { attributeFilter: ['aria-pressed'] });
  new MutationObserver((changes) => {
    for (const c of changes) {
      if (c.attributeName === 'href' && c.target.classList.contains('unit-picture')) {
        const playing = document.getElementById('play').getAttribute('aria-pressed') === 'true';
        window.__painted.push([document.timeline.currentTime, c.target.closest('.node').id, playing]);
      }
    }
  }).observe(document.getElementById('network'), { subtree: true, attributeFilter: ['href'] });
}"""


def test_a_wide_networks_pictures_are_painted_over_several_frames_while_playing(watch, server_url):
    page = watch.page
    answers: list[dict] = []

    def on_response(r):
        if r.url.endswith("/predict") and '"units"' in (r.request.post_data or ""):
            answers.append(r.json())

    page.goto(server_url + "/?dataset=xor&hidden=16")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("Number(document.querySelector('#network-svg').dataset.pictures || 0) > 0")
    page.select_option("#rate", "60")
    page.evaluate(PICTURE_WATCH)
    # A slower machine, where seventeen pictures take longer than a frame can spare
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.on("response", on_response)
    page.click("#play")
    page.wait_for_function("window.__painted.length >= 4 * 17", timeout=60_000)
    # Pause, with the refresh for the step it stops at held back: what is on show is what the
    # painting while playing left, finished at once.
    page.route("**/predict", lambda route: None)
    page.keyboard.press("p")
    page.wait_for_selector("#play[aria-pressed=false]")
    settle(page)
    latest = page.evaluate("async () => (await import('/static/state/store.js')).state.pictures.version")
    page.wait_for_function(f"Number(document.querySelector('#network-svg').dataset.pictures) === {latest}")
    frames: dict[float, list[str]] = {}
    paused_at = page.evaluate("window.__pausedAt")
    for when, node, playing in page.evaluate("window.__painted"):
        # Pause paints what is left at once, in its own animation frame (with what that frame
        # painted before it): that frame is not one of playing's.
        if playing and when < paused_at:
            frames.setdefault(when, []).append(node)
    # 17 pictures (16 hidden units and the output) a refresh, never all in one frame while playing
    assert max(len(nodes) for nodes in frames.values()) < 17, sorted(len(n) for n in frames.values())
    # and none is left behind: every unit shows the last answer's values
    last = answers[-1]
    columns = {f"node-hid-{j}": [row[j] for row in last["x"]] for j in range(16)}
    columns["node-out-0"] = [row[0] for row in last["y_hat"]]
    for node, values in columns.items():
        image = page.locator(f"#{node} image.unit-picture")
        assert float(image.get_attribute("data-lo")) == min(values), node
        assert float(image.get_attribute("data-hi")) == max(values), node
        assert image.get_attribute("href").startswith("data:image/png;base64,")
    assert watch.errors == []
