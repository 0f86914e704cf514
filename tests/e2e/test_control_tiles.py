"""The course's tile coder in control mode, in the browser: chosen in Settings; the diagram's x units
are the trace's active tiles with x = 1 and B's rows there, A frozen and its phases skipped; playing
and E; the comparison of the network with the tile coder on the same seed; a reload keeps it."""

from __future__ import annotations

import json
import re

from tests.e2e.test_control import control_mode, fmt, session_of, step
from tests.e2e.test_td import choose, settle, type_setting


def tiles_mode(page) -> dict:
    """Control mode, then the tile coder; returns the config the page created its session with."""
    control_mode(page)
    config = choose(page, "car_features", "tiles")
    page.wait_for_selector("#network-svg.tiles")
    return config


def shown(text: str) -> float:
    return float(text.replace("−", "-"))


def test_the_tile_coder_is_chosen_with_its_own_defaults(watch, server_url):
    page = watch.page
    config = tiles_mode(page)
    env = config["environment"]
    assert env["features"] == "tiles" and "replay" not in env
    assert "bias" not in config and "alpha_B" not in config and "optimizer" not in config
    session = session_of(page, server_url)["config"]
    assert session["bias"] is False and session["optimizer"] == "sgd" and session["alpha_B"] == 0.0625
    assert session["environment"]["replay"] == 0 and session["n_x"] == 4096
    assert page.locator("select[name=car_features]").input_value() == "tiles"
    assert page.locator("#replay-lesson").is_hidden() and page.locator("#compare-tiles").is_hidden()
    assert watch.errors == [], watch.errors


def test_each_features_own_fields_are_on_the_form(watch, server_url):
    """The tile coder's table (tilings, tiles, its size) with the tile coder, replay's with the
    network; other tilings take the course's alpha_B for them again."""
    page = watch.page
    control_mode(page)
    network, tiles = ("replay", "buffer", "target_every"), ("tilings", "tiles", "iht_size")
    assert all(page.locator(f"input[name={n}]").is_visible() for n in network)
    assert not any(page.locator(f"input[name={n}]").is_visible() for n in tiles)
    assert page.locator("input[name=target_every]").input_value() == "100"  # the network's default
    config = type_setting(page, "target_every", "25")
    assert config["environment"]["target_every"] == 25
    assert session_of(page, server_url)["config"]["environment"]["target_every"] == 25
    type_setting(page, "car_epsilon", "0.1")
    config = choose(page, "car_features", "tiles")  # the agent's ε and γ stay; the rest is the tile coder's
    assert config["environment"]["epsilon"] == 0.1 and config["environment"]["gamma"] == 1
    assert "target_every" not in config["environment"] and "agent" not in config["environment"]
    page.wait_for_selector("#network-svg.tiles")
    assert all(page.locator(f"input[name={n}]").is_visible() for n in tiles)
    assert not any(page.locator(f"input[name={n}]").is_visible() for n in network)
    assert [page.locator(f"input[name={n}]").input_value() for n in tiles] == ["8", "8", "4096"]
    config = type_setting(page, "tilings", "16")
    assert config["environment"]["tilings"] == 16 and "alpha_B" not in config, config
    session = session_of(page, server_url)["config"]
    assert session["environment"]["tilings"] == 16 and session["alpha_B"] == 0.5 / 16
    assert float(page.locator("input[name=alpha_B]").input_value()) == 0.5 / 16
    config = type_setting(page, "iht_size", "1024")  # the same tilings: alpha_B as the form has it
    assert config["alpha_B"] == 0.5 / 16 and config["environment"]["iht_size"] == 1024
    assert session_of(page, server_url)["config"]["n_x"] == 1024
    assert watch.errors == [], watch.errors


def test_a_step_shows_the_active_tiles_b_rows_and_a_frozen(watch, artifacts):
    page = watch.page
    tiles_mode(page)
    step(page)
    body = step(page)
    trace = body["trace"]
    tiles = trace["tiles"]
    assert len(tiles) == 8
    labels = [page.locator(f"#tile-label-{r}").text_content() for r in range(8)]
    assert labels == [f"tile {j}" for j in tiles]
    assert all(page.locator(f"#tile-x-{r}").text_content() == "x = 1" for r in range(8))
    note = page.locator("#tiles-frozen-note").text_content()
    assert "A is frozen: x is the tile coder’s (8 tilings of 8 × 8 tiles);" in note
    assert "only B’s rows at these tiles change." in note
    # After S the step is shown to its end, B's update: the cells are B's rows after it.
    for r in range(8):
        for k in range(3):
            text = page.locator(f"#wB-{r}-{k}").text_content()
            places = len(text.split(".")[1]) if "." in text else 0
            assert abs(shown(text) - trace["B"][r][k]) <= 0.5 * 10**-places + 1e-12, (r, k, text)
    heading = page.locator("#equations-heading").text_content()
    assert heading.startswith("Phase 7 of 7") and "Update B" in heading

    # Phase by phase: x first (no ψ = sA), θ as the sum of the active rows, δᴮ of the untaken 0, and no A.
    body = step(page, "n")
    trace = body["trace"]
    a = trace["transition"]["action"]
    page.wait_for_selector("#equations[data-phase=x]")
    assert "active tiles" in page.locator("#equations").text_content()
    page.keyboard.press("n")
    page.wait_for_selector("#equations[data-phase=theta]")
    rows = ", ".join(str(j) for j in trace["tiles"])
    assert (
        f"The 8 rows of B at the active tiles ({rows}), summed" in page.locator("#equations").text_content()
    )
    for r in range(8):  # before B's update: the rows θ was summed from
        assert abs(shown(page.locator(f"#wB-{r}-{a}").text_content()) - trace["B_before"][r][a]) < 1e-4
    for _ in range(3):  # ŷ, the loss, δᴮ
        page.keyboard.press("n")
    page.wait_for_selector("#equations[data-phase=delta_B]")
    for k in [k for k in range(3) if k != a]:
        assert trace["delta_B"][k] == 0
        assert page.locator(f"#val-delta_B-{k + 1} .num").text_content() == "0"
        assert page.locator(f"#tag-node-out-{k}-note").text_content() == "not taken: δB = 0"
    page.screenshot(path=artifacts / "tiles-delta-B.png")
    page.keyboard.press("n")
    page.keyboard.press("n")
    page.wait_for_selector("#equations[data-phase=update_B]")
    page.keyboard.press("n")  # past B's update: the next step, not an update of A
    page.wait_for_selector("#equations[data-phase=x]")
    assert watch.errors == [], watch.errors


def test_playing_moves_the_car_and_e_adds_a_point(watch):
    page = watch.page
    tiles_mode(page)
    page.select_option("#steps-per-frame", "5")
    page.locator(".car-panel").scroll_into_view_if_needed()
    page.keyboard.press("p")
    page.wait_for_selector("#car-svg[data-x]")
    seen = set()
    for _ in range(10):
        page.wait_for_timeout(120)
        seen.add(page.locator("#car-svg").get_attribute("data-x"))
    page.keyboard.press("p")
    settle(page)
    assert len(seen) >= 5, seen
    labels = [page.locator(f"#tile-label-{r}").text_content() for r in range(8)]
    assert all(re.fullmatch(r"tile \d+", t) for t in labels), labels
    page.keyboard.press("e")
    page.wait_for_function("document.querySelector('#epoch-count').textContent === '1'", timeout=60_000)
    settle(page)
    page.wait_for_selector("#episode-chart[data-points='1']")
    assert watch.errors == [], watch.errors


def test_the_comparison_runs_the_tile_coder_to_as_many_episodes(watch, server_url, artifacts):
    page = watch.page
    control_mode(page)
    choose(page, "agent", "q_learning")
    for episodes in (1, 2):
        page.keyboard.press("e")
        page.wait_for_function(
            f"document.querySelector('#epoch-count').textContent === '{episodes}'", timeout=90_000
        )
        settle(page)
    assert page.locator("#map-tiles").is_hidden()
    with page.expect_request(re.compile(r"/api/sessions$")) as info:
        page.click("#compare-tiles")
    config = json.loads(info.value.post_data)
    assert config["environment"]["features"] == "tiles" and config["environment"]["agent"] == "q_learning"
    assert config["seed"] == session_of(page, server_url)["config"]["seed"]
    page.wait_for_selector("#episode-chart[data-compare-points='2']", timeout=90_000)
    settle(page)
    assert page.locator("#episode-chart").get_attribute("data-points") == "2"
    assert "tile coder" in page.locator(".episodes-panel .u-legend").text_content()
    page.wait_for_selector("#map-tiles .map-image[href^='data:image/png']")
    assert page.locator("#map-tiles").is_visible()
    assert "after 2 episodes" in page.locator("#map-tiles-legend").text_content()
    # both cost maps on one scale: the same colour is the same cost
    scale = [page.locator("#map-cost").get_attribute(f"data-{end}") for end in ("lo", "hi")]
    assert [page.locator("#map-tiles").get_attribute(f"data-{end}") for end in ("lo", "hi")] == scale
    lo, hi = map(float, scale)
    assert (
        page.locator("#map-cost-legend").text_content()
        == f"both maps from {fmt(lo)} (blue) to {fmt(hi)} (vermillion)"
    )
    page.locator(".episodes-panel").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "tiles-compare.png")
    assert watch.errors == [], watch.errors


def test_a_reload_keeps_the_tile_coder(watch):
    page = watch.page
    tiles_mode(page)
    step(page)
    session = page.locator("body").get_attribute("data-session")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    settle(page)
    assert page.locator("body").get_attribute("data-session") == session
    assert page.locator("select[name=car_features]").input_value() == "tiles"
    page.wait_for_selector("#network-svg.tiles")
    assert watch.errors == [], watch.errors
