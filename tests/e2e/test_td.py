"""TD mode in the browser: mode selector, walk, value plot, RMSVE chart, compact input layer."""

from __future__ import annotations

import json
import re

PHASES = ["psi", "x", "theta", "y_hat", "loss", "delta_B", "grad_B", "update_B", "delta_A", "grad_A",
          "update_A"]  # fmt: skip


def settle(page) -> None:
    page.wait_for_function("document.body.dataset.busy !== 'true'")


def choose(page, name: str, value: str) -> dict:
    """Change a select of the settings form; returns the config the page created its session with."""
    with page.expect_request(re.compile(r"/api/sessions$")) as info:
        page.select_option(f"select[name={name}]", value)
    settle(page)
    return json.loads(info.value.post_data)


def type_setting(page, name: str, value: str) -> dict:
    page.fill(f"input[name={name}]", value)
    with page.expect_request(re.compile(r"/api/sessions$")) as info:
        page.press(f"input[name={name}]", "Tab")
    settle(page)
    page.click("h1")  # out of the form, so that the keys act on the page
    return json.loads(info.value.post_data)


def td_mode(page, **settings) -> None:
    config = choose(page, "mode", "td")
    assert config["environment"]["name"] == "random_walk" and "dataset" not in config
    page.wait_for_function("document.body.classList.contains('td-mode')")
    for name, value in settings.items():
        if page.locator(f"select[name={name}]").count():
            choose(page, name, value)
        else:
            type_setting(page, name, value)


def step(page, key: str = "s") -> dict:
    with page.expect_response(re.compile(r"/step$")) as info:
        page.keyboard.press(key)
    settle(page)
    return info.value.json()


def tex_of(page) -> str:
    """The TeX source of every equation on show (KaTeX keeps it in its MathML)."""
    return " ".join(page.locator("#equations annotation").all_text_contents())


def test_mode_selector_makes_a_td_session_and_the_strip_shows_the_agent(watch, artifacts):
    page = watch.page
    assert page.locator(".td-panel").is_hidden() and page.locator(".td-settings").is_hidden()
    td_mode(page)
    assert page.locator(".td-panel").is_visible() and page.locator(".td-settings").is_visible()
    assert page.locator("select[name=dataset]").is_hidden() and page.locator(".fit-panel").is_hidden()
    assert page.locator(".td-cell").count() == 19
    assert page.locator("#td-agent").get_attribute("data-state") == "9"
    assert page.locator("#epoch-label").text_content() == "episodes"
    assert page.locator("#mean-loss-label").text_content() == "RMS value error"
    assert page.locator("#sample-index").text_content() == "S = 10"
    assert page.locator("#epoch").text_content() == "Episode (E)"
    page.wait_for_selector("#value-plot[data-version]")

    body = step(page)
    tr = body["trace"]["transition"]
    assert page.locator("#td-walk-svg").get_attribute("data-move") == f"{tr['state']}>{tr['next_state']}"
    assert page.locator("#td-agent").get_attribute("data-state") == str(body["state"]["next_index"])
    caption = page.locator("#td-caption").text_content()
    assert "TD error δ = R + γ v̂(S′) − v̂(S)" in caption
    error = float(page.locator("#td-caption").get_attribute("data-td-error"))
    assert abs(error - (body["trace"]["y"][0] - body["trace"]["y_hat"][0])) < 1e-12
    page.screenshot(path=artifacts / "td-19-states.png", full_page=True)

    # The target's equation at the loss phase, with its numbers.
    for _ in range(PHASES.index("loss") + 1):
        page.keyboard.press("n")
        settle(page)
    page.wait_for_selector("#equations[data-phase=loss]")
    assert "y = R + \\gamma\\, \\hat{v}(S')" in tex_of(page)
    assert watch.errors == [], watch.errors


def test_playing_updates_the_value_plot_and_the_rmsve_chart(watch, artifacts):
    page = watch.page
    td_mode(page)
    page.select_option("#steps-per-frame", "25")
    first_rmsve = float(page.locator("#mean-loss").text_content())
    page.locator("#value-plot").scroll_into_view_if_needed()  # playing, it follows while on the screen
    page.keyboard.press("p")
    page.wait_for_function(
        "Number(document.querySelector('#step-count').textContent) >= 1500", timeout=30_000
    )
    page.wait_for_function("Number(document.querySelector('#value-plot').dataset.version) >= 5")
    page.keyboard.press("p")
    settle(page)
    assert page.locator("#loss-chart .u-legend").text_content().count("RMS value error") == 1
    points = int(page.locator("#loss-chart").get_attribute("data-points"))
    assert points >= 1500
    versions = {page.locator("#value-plot").get_attribute("data-version")}
    page.keyboard.press("e")  # the rest of the episode
    settle(page)
    page.wait_for_function(f"document.querySelector('#value-plot').dataset.version !== '{versions.pop()}'")
    plotted = float(page.locator("#value-plot").get_attribute("data-rmsve"))
    assert plotted != first_rmsve and 0 < plotted < 2
    page.screenshot(path=artifacts / "td-playing.png", full_page=True)
    assert watch.errors == [], watch.errors


def test_compact_input_layer_for_a_long_walk(watch, artifacts):
    page = watch.page
    td_mode(page, states="200", jump="10")
    assert page.locator(".td-cell").count() == 200
    assert page.locator("#input-strip").is_visible()
    assert page.locator(".node-in").count() == 1  # the bias unit only
    assert page.locator(".edge-A").count() == 2 * 4  # the active input's edges and the bias's
    assert page.locator("#strip-label").text_content() == "s100 = 1"
    body = step(page)
    state = body["trace"]["transition"]["state"]
    assert page.locator("#strip-label").text_content() == f"s{state + 1} = 1"
    label = page.locator("#edge-A-active-0").get_attribute("aria-label")
    assert label.startswith(f"A{state + 1},1 = ")
    page.screenshot(path=artifacts / "td-200-states.png", full_page=True)
    for _ in range(PHASES.index("grad_A") + 1):
        page.keyboard.press("n")
        settle(page)
    page.wait_for_selector("#equations[data-phase=grad_A]")
    assert "Every other row of ∇A is 0" in page.locator("#equations").text_content()
    assert watch.errors == [], watch.errors


def test_monte_carlo_target_and_adam(watch, artifacts):
    page = watch.page
    td_mode(page, target="mc", optimizer="adam")
    assert page.locator("input[name=epsilon]").is_visible()
    body = step(page, "n")
    assert body["trace"]["episode"]["t"] == 0 and body["trace"]["adam"]["t"] == 1
    assert "Monte Carlo" in page.locator("#td-caption").text_content()
    for _ in range(PHASES.index("update_B")):
        page.keyboard.press("n")
        settle(page)
    page.wait_for_selector("#equations[data-phase=update_B]")
    tex = tex_of(page)
    assert "\\hat{\\mathbf{m}}_B" in tex and "\\sqrt{\\hat{\\mathbf{v}}_B} + \\epsilon" in tex
    page.screenshot(path=artifacts / "td-mc-adam.png", full_page=True)
    page.keyboard.press("e")
    settle(page)
    assert page.locator("#epoch-count").text_content() == "1"
    assert watch.errors == [], watch.errors


def test_a_bad_walk_setting_is_shown_beside_its_field(watch):
    page = watch.page
    td_mode(page)
    page.fill("input[name=jump]", "50")
    with page.expect_response(re.compile(r"/api/sessions$")) as info:
        page.dispatch_event("input[name=jump]", "change")
    settle(page)
    assert info.value.status == 422
    error = page.locator(".field-error[data-for=jump]")
    assert "jump: must be at most states (19)" in error.text_content()
    assert page.locator("input[name=jump]").get_attribute("aria-invalid") == "true"
    assert watch.errors == [] or all("422" in e for e in watch.errors), watch.errors


def test_back_to_a_data_set(watch):
    page = watch.page
    td_mode(page)
    config = choose(page, "mode", "supervised")
    assert "environment" not in config and config["dataset"] == "xor"
    page.wait_for_function("!document.body.classList.contains('td-mode')")
    assert page.locator(".td-panel").is_hidden() and page.locator(".fit-panel").is_visible()
    assert page.locator("#mean-loss-label").text_content() == "mean loss over D"
    step(page)
    assert watch.errors == [], watch.errors


def test_a_link_reproduces_a_td_run(watch, browser):
    page = watch.page
    td_mode(page, states="11", target="mc")
    for _ in range(5):
        step(page)
    page.click("#copy-link")
    link = page.locator("#share-link").input_value()
    assert "environment=" in link and "step=5" in link and "dataset=" not in link
    other = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True).new_page()
    other.goto(link)
    other.wait_for_selector("body[data-ready=true]")
    assert other.locator("#step-count").text_content() == "5"
    assert other.locator("select[name=mode]").input_value() == "td"
    assert other.locator("select[name=target]").input_value() == "mc"
    for p in (page, other):
        p.click("#step")
        p.wait_for_function("document.querySelector('#step-count').textContent === '6'")
    move = page.locator("#td-walk-svg").get_attribute("data-move")
    assert move == other.locator("#td-walk-svg").get_attribute("data-move")
    assert page.locator("#td-caption").text_content() == other.locator("#td-caption").text_content()
    other.context.close()
    assert watch.errors == [], watch.errors


def test_a_class_question_may_ask_every_entry_of_a_td_step(watch):
    """A TD step's trace has a transition but no action taken (that is control mode's): the
    class's question picker offers every entry of it, unnamed, as for a data set."""
    page = watch.page
    td_mode(page)
    trace = step(page)["trace"]
    assert "transition" in trace and "action" not in trace["transition"]
    entries = page.evaluate(
        "(t) => import('/static/class/classstate.js')"
        ".then((m) => m.quizEntries(t).map((e) => [e.target, e.index, e.note]))",
        trace,
    )

    def indices(value):
        return (
            [[j, k] for j, row in enumerate(value) for k in range(len(row))]
            if isinstance(value[0], list)
            else [[k] for k in range(len(value))]
        )

    want = [
        [target, index, ""]
        for target in ("y_hat", "delta_B", "B", "delta_A", "A")
        for index in indices(trace[target])
    ]
    assert entries == want
