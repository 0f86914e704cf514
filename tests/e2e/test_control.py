"""Control mode in the browser: Mountain Car chosen in Settings, the transition strip and the target
against the server's trace, the untaken outputs' δᴮ at 0, the car moving while playing, the maps
over (p, v), the steps per episode, the run without replay, a reload."""

from __future__ import annotations

import json
import re

from tests.e2e.helpers import api
from tests.e2e.test_td import choose, settle, tex_of

ACTIONS = ["←", "0", "→"]


def fmt(v: float) -> str:
    """A number as the page writes it (static/lib/format.js)."""
    if float(v).is_integer() and abs(v) < 1e5:
        return str(int(v))
    if abs(v) >= 1e5 or abs(v) < 5e-4:
        mantissa, exp = f"{v:.2e}".split("e")
        return f"{mantissa}e{int(exp):+d}".replace("e+", "e")
    text = f"{v:.4f}"
    return "0.0000" if text == "-0.0000" else text


def control_mode(page) -> dict:
    """Choose control mode; returns the config the page created its session with."""
    config = choose(page, "mode", "control")
    page.wait_for_function("document.body.classList.contains('control-mode')")
    return config


def step(page, key: str = "s") -> dict:
    with page.expect_response(re.compile(r"/step$")) as info:
        page.keyboard.press(key)
    settle(page)
    return info.value.json()


def session_of(page, server_url: str) -> dict:
    """The page's session as the server has it, through the page's own session id."""
    return api(f"{server_url}/api/sessions/{page.locator('body').get_attribute('data-session')}")


def test_the_mode_makes_a_mountain_car_session_with_its_own_network(watch, server_url):
    page = watch.page
    assert page.locator(".car-panel").is_hidden() and page.locator(".control-settings").is_hidden()
    config = control_mode(page)
    env = config["environment"]
    assert env["name"] == "mountain_car" and env["features"] == "network" and "dataset" not in config
    assert "hidden" not in config and "alpha_A" not in config  # Mountain Car's network: the server's defaults
    assert set(env) == {"name", "features"}  # ... and the environment's for the network
    session = session_of(page, server_url)
    assert session["config"]["hidden"] == 32 and session["config"]["optimizer"] == "adam"
    served = session["config"]["environment"]
    assert (served["agent"], served["replay"], served["target_every"]) == ("q_learning", 4, 100)
    assert page.locator("select[name=agent]").input_value() == "q_learning"  # the form shows them
    assert page.locator("input[name=hidden]").input_value() == "32"
    assert page.locator(".car-panel").is_visible() and page.locator(".control-settings").is_visible()
    assert page.locator(".td-panel").is_hidden() and page.locator(".fit-panel").is_hidden()
    assert page.locator("#epoch-label").text_content() == "episodes"
    assert page.locator("#mean-loss-label").text_content() == "mean cost to go"
    assert page.locator("#epoch").text_content() == "Episode (E)"
    assert page.locator("#tag-node-in-0").text_content() == "p, scaled"
    assert page.locator("#tag-node-in-1").text_content() == "v, scaled"
    assert [page.locator(f"#tag-node-out-{a}").text_content() for a in range(3)] == [
        f"q̂(s, {name})" for name in ACTIONS
    ]
    assert watch.errors == [], watch.errors


def test_the_strip_and_the_target_are_the_servers_and_untaken_outputs_have_delta_0(
    watch, server_url, artifacts
):
    page = watch.page
    control_mode(page)
    for agent in ["sarsa", "q_learning", "expected_sarsa"]:
        if agent != "sarsa":
            choose(page, "agent", agent)
        if agent == "expected_sarsa":
            page.fill("input[name=car_epsilon]", "0.1")
            with page.expect_request(re.compile(r"/api/sessions$")):
                page.press("input[name=car_epsilon]", "Tab")
            settle(page)
            page.click("h1")
        for _ in range(3):
            body = step(page)
        trace, tr = body["trace"], body["trace"]["transition"]
        a = tr["action"]
        strip = page.locator("#transition-strip")
        assert int(strip.get_attribute("data-action")) == a
        assert float(strip.get_attribute("data-target")) == trace["y"][a]
        assert float(strip.get_attribute("data-reward")) == tr["reward"] == -1
        assert page.locator(".strip-part[data-part=A] .strip-value").text_content().startswith(ACTIONS[a])
        assert (
            page.locator(".strip-part[data-part='A′'] .strip-value").text_content()
            == f"{ACTIONS[tr['next_action']]} ({['−1', 'none', '+1'][tr['next_action']]})"
        )
        p, v = tr["state"]
        assert page.locator(".strip-part[data-part=S] .strip-value").text_content() == f"({fmt(p)}, {fmt(v)})"
        # the target's numbers: R + γ (what the agent takes of q̂(S′, ·)) = y, all from the trace
        q = trace["q_next"]
        boot = {"sarsa": q[tr["next_action"]], "q_learning": max(q)}.get(agent)
        caption = page.locator("#transition-caption").text_content()
        if boot is not None:
            assert abs(-1 + boot - trace["y"][a]) < 1e-9, (agent, trace)
            shown = f"({fmt(boot)})" if boot < 0 else fmt(boot)  # a negative term in brackets
            assert f"= -1 + 1 × {shown} = {fmt(trace['y'][a])}" in caption, caption
        assert "The two actions not taken get y = ŷ" in caption
        # the server's state is the page's
        assert session_of(page, server_url)["state"]["step"] == int(
            page.locator("#step-count").text_content()
        )

    # Phase by phase: the loss phase's target, then δᴮ of the outputs not taken exactly 0.
    body = step(page, "n")
    trace, tr = body["trace"], body["trace"]["transition"]
    a = tr["action"]
    untaken = [k for k in range(3) if k != a]
    # The outputs not taken have y = ŷ: not known before ŷ is shown (a question on it is open then).
    assert page.locator(f"#val-y-{a + 1} .num").text_content() == fmt(trace["y"][a])
    assert [page.locator(f"#val-y-{k + 1} .num").text_content() for k in untaken] == ["·", "·"]
    for _ in range(4):  # x, θ, ŷ, then the loss
        page.keyboard.press("n")
        settle(page)
    page.wait_for_selector("#equations[data-phase=loss]")
    for k in untaken:
        assert page.locator(f"#val-y-{k + 1} .num").text_content() == fmt(trace["y_hat"][k])
    tex = tex_of(page)
    assert f"y_{{{a + 1}}} = R + \\gamma \\sum_a \\pi(a \\mid S')" in tex, tex
    assert "not taken, so δB = 0" in page.locator("#equations").text_content()
    assert page.locator(".node-out.untaken").count() == 2
    assert page.locator(f"#node-out-{a}.taken").count() == 1
    for k in untaken:
        assert page.locator(f"#tag-node-out-{k}-note").text_content() == "not taken: δB = 0"
    # the strip's error y − q̂(S, A) is −δᴮ under a linear f_B: not before δᴮ's phase (the quiz asks it)
    error = fmt(trace["y"][a] - trace["y_hat"][a])
    caption = page.locator("#transition-caption").text_content()
    assert "Error y" not in caption and error not in caption and "comes with δB" in caption, caption
    page.keyboard.press("n")
    settle(page)
    page.wait_for_selector("#equations[data-phase=delta_B]")
    for k in untaken:
        assert trace["delta_B"][k] == 0
        assert page.locator(f"#val-delta_B-{k + 1} .num").text_content() == "0"
    assert page.locator(f"#val-delta_B-{a + 1} .num").text_content() != "0"
    assert trace["delta_B"][a] == -(trace["y"][a] - trace["y_hat"][a])
    assert f"= {error}." in page.locator("#transition-caption").text_content()
    page.screenshot(path=artifacts / "control-delta-B.png")
    assert watch.errors == [], watch.errors


PIXELS = """async (id) => {
  const image = document.querySelector(`#${id} .map-image`);
  const img = new Image();
  img.src = image.getAttribute('href');
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
  return colours.size;
}"""


def test_playing_moves_the_car_and_paints_the_cost_to_go(watch, artifacts):
    page = watch.page
    control_mode(page)
    page.select_option("#steps-per-frame", "5")
    page.locator(".car-panel").scroll_into_view_if_needed()
    page.keyboard.press("p")
    page.wait_for_selector("#car-svg[data-x]")
    seen = set()
    for _ in range(12):
        page.wait_for_timeout(120)
        seen.add(page.locator("#car-svg").get_attribute("data-x"))
    assert len(seen) >= 6, seen  # the car moves from frame to frame
    page.locator(".maps-panel").scroll_into_view_if_needed()
    page.wait_for_function("Number(document.querySelector('#step-count').textContent) >= 600", timeout=60_000)
    page.wait_for_function("Number(document.querySelector('#cost-maps').dataset.version) >= 3")
    page.screenshot(path=artifacts / "control-playing-maps.png")
    page.keyboard.press("p")
    settle(page)
    cost = page.locator("#map-cost")
    assert float(cost.get_attribute("data-hi")) > float(cost.get_attribute("data-lo"))
    assert page.evaluate(PIXELS, "map-cost") > 20  # the cost to go varies over (p, v)
    assert page.evaluate(PIXELS, "map-greedy") >= 1
    car = page.locator("#map-cost-car").get_attribute("transform")
    assert car and car.startswith("translate(")
    assert watch.errors == [], watch.errors


def test_the_rest_of_the_episode_adds_a_point_and_a_reload_keeps_the_run(watch, server_url):
    page = watch.page
    control_mode(page)
    choose(page, "agent", "q_learning")
    step(page)
    page.keyboard.press("e")  # the rest of the episode
    page.wait_for_function("document.querySelector('#epoch-count').textContent === '1'", timeout=60_000)
    settle(page)
    page.wait_for_selector("#episode-chart[data-points='1']")
    (took,) = session_of(page, server_url)["state"]["episode_steps"]
    assert f"Episode 1 took {took:,} steps" in page.locator("#episode-caption").text_content()
    reached = page.locator("#transition-strip .strip-part[data-part='S′'] .strip-value").text_content()
    assert reached.endswith("the goal") == (took < 15_000), (took, reached)  # at the goal, or cut
    session = page.locator("body").get_attribute("data-session")
    step_count = page.locator("#step-count").text_content()
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    settle(page)
    assert page.locator("body").get_attribute("data-session") == session
    assert page.locator("#step-count").text_content() == step_count
    assert page.locator("select[name=mode]").input_value() == "control"
    assert page.locator("select[name=agent]").input_value() == "q_learning"
    page.wait_for_function("document.body.classList.contains('control-mode')")
    page.wait_for_selector("#episode-chart[data-points='1']")
    assert watch.errors == [], watch.errors


def test_one_click_runs_the_same_settings_without_replay_and_back(watch):
    page = watch.page
    control_mode(page)
    choose(page, "agent", "expected_sarsa")
    page.keyboard.press("e")  # one episode with replay, to compare with
    page.wait_for_selector("#episode-chart[data-points='1']", timeout=60_000)
    settle(page)
    chart = page.locator("#episode-chart")
    before = [
        int(n.replace(",", ""))
        for n in re.findall(r"took ([\d,]+) steps", page.locator("#episode-caption").text_content())
    ]
    assert chart.get_attribute("data-before-points") == "0"
    assert not page.locator(".u-legend .u-series", has_text="the run before").is_visible()
    assert "without replay" in page.locator("#replay-toggle").text_content()
    with page.expect_request(re.compile(r"/api/sessions$")) as info:
        page.click("#replay-toggle")
    settle(page)
    config = json.loads(info.value.post_data)
    assert config["environment"]["replay"] == 0 and config["environment"]["agent"] == "expected_sarsa"
    assert config["hidden"] == 32  # the same network
    assert page.locator("input[name=replay]").input_value() == "0"
    assert "with replay 4 again" in page.locator("#replay-toggle").text_content()
    # the run with replay stays on the chart beside the new one, named
    assert chart.get_attribute("data-points") == "0" and chart.get_attribute("data-before-points") == "1"
    caption = page.locator("#episode-caption").text_content()
    said = "The run before, with replay 4 (grey, dotted): 1 episode, the fewest steps of its last 1: "
    said += f"{before[0]:,}."
    assert said in caption, caption
    assert page.locator(".u-legend .u-series", has_text="the run before").is_visible()
    with page.expect_request(re.compile(r"/api/sessions$")) as info:
        page.click("#replay-toggle")
    settle(page)
    assert json.loads(info.value.post_data)["environment"]["replay"] == 4
    assert chart.get_attribute("data-before-points") == "0"  # the run without replay had no episode to keep
    assert watch.errors == [], watch.errors


def test_a_bad_control_setting_is_shown_beside_its_field_and_back_to_a_data_set(watch):
    page = watch.page
    control_mode(page)
    page.fill("input[name=car_epsilon]", "2")
    with page.expect_response(re.compile(r"/api/sessions$")) as info:
        page.dispatch_event("input[name=car_epsilon]", "change")
    settle(page)
    assert info.value.status == 422
    assert page.locator(".field-error[data-for=car_epsilon]").text_content() != ""
    assert page.locator("input[name=car_epsilon]").get_attribute("aria-invalid") == "true"
    config = choose(page, "mode", "supervised")
    assert "environment" not in config and config["dataset"] == "xor"
    assert config["hidden"] == 4 and config["optimizer"] == "sgd"  # the form's own defaults again
    page.wait_for_function("!document.body.classList.contains('control-mode')")
    assert page.locator(".car-panel").is_hidden()
    assert watch.errors == [] or all("422" in e for e in watch.errors), watch.errors


def test_a_speed_past_the_sessions_share_plays_at_the_most_the_menu_has_within_it(watch):
    """60 frames a second of 100 transitions (each with its 4 replayed steps) is more work than one
    stream may ask: the server names its largest steps a frame, and the page plays on at the most
    the menu has within it, saying so, instead of stopping."""
    page = watch.page
    control_mode(page)
    page.select_option("#rate", "60")
    page.select_option("#steps-per-frame", "100")
    page.click("#play")
    page.wait_for_function("document.getElementById('steps-per-frame').value !== '100'")
    notice = page.locator("#notice").text_content()
    largest = int(re.search(r"at most (\d+) steps a frame", notice).group(1))
    chosen = int(page.locator("#steps-per-frame").input_value())
    assert chosen == max(n for n in (1, 5, 25, 100) if n <= largest) and largest < 100, notice
    assert f"playing {chosen} a frame" in notice
    assert page.locator("#play").get_attribute("aria-pressed") == "true"
    before = int(page.locator("#step-count").text_content())
    page.wait_for_function(f"Number(document.getElementById('step-count').textContent) > {before + chosen}")
    page.click("#play")
    page.wait_for_selector("#play[aria-pressed=false]")
    assert watch.errors == [], watch.errors
