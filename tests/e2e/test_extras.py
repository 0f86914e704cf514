"""The teaching extras, each end to end in the browser."""

from __future__ import annotations

import json
import re

from tests.e2e.helpers import api

PHASES = ["psi", "x", "theta", "y_hat", "loss", "delta_B", "grad_B", "update_B", "delta_A", "grad_A",
          "update_A"]  # fmt: skip


def session_id(page) -> str:
    return page.evaluate("document.body.dataset.session")


def settle(page) -> None:
    page.wait_for_function("document.body.dataset.busy !== 'true'")


def edge_labels(page, name: str) -> list[str]:
    return page.eval_on_selector_all(f".edge-{name}", "els => els.map(e => e.getAttribute('aria-label'))")


def shown(page, name: str, index: int) -> str:
    return page.locator(f"#val-{name}-{index} .num").text_content()


def press_steps(page, n: int) -> None:
    for _ in range(n):
        step = int(page.locator("#step-count").text_content())
        page.click("#step")
        page.wait_for_function(f"document.querySelector('#step-count').textContent === '{step + 1}'")


def test_shareable_link_reproduces_the_run(watch, browser, server_url):
    page = watch.page
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.select_option("select[name=order]", "shuffle")
    page.fill("input[name=seed]", "7")
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.dispatch_event("input[name=seed]", "change")
    press_steps(page, 5)
    page.click("#copy-link")
    link = page.locator("#share-link").input_value()
    assert "seed=7" in link and "order=shuffle" in link and "step=5" in link
    weights = edge_labels(page, "A")

    other = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True).new_page()
    other.goto(link)
    other.wait_for_selector("body[data-ready=true]")
    assert other.locator("#step-count").text_content() == "5"
    assert edge_labels(other, "A") == weights
    assert other.locator("select[name=order]").input_value() == "shuffle"
    # and from here on, step for step the same
    press_steps(page, 3)
    press_steps(other, 3)
    for name in ("psi", "delta_A"):
        assert shown(page, name, 1) == shown(other, name, 1)
    assert edge_labels(page, "B") == edge_labels(other, "B")
    other.context.close()


def test_link_with_weights_starts_from_them(watch, browser):
    page = watch.page
    press_steps(page, 3)
    page.check("#link-weights")
    page.click("#copy-link")
    link = page.locator("#share-link").input_value()
    assert "A=" in link and "step=" not in link
    other = browser.new_context(bypass_csp=True).new_page()
    other.goto(link)
    other.wait_for_selector("body[data-ready=true]")
    assert other.locator("#step-count").text_content() == "0"

    def values(p):
        return [label.split(" (")[0] for label in edge_labels(p, "A")]

    assert values(other) == values(page)
    other.context.close()


def test_edit_a_weight_by_clicking_and_by_typing_on_its_edge(watch, server_url):
    page = watch.page
    page.click("#edge-A-0-0")
    page.fill("#weight-editor-value", "0.75")
    with page.expect_response(re.compile(r"/weights$")):
        page.click("#weight-editor button[type=submit]")
    page.locator("#weight-editor").wait_for(state="hidden")
    assert edge_labels(page, "A")[0].startswith("A1,1 = 0.75")
    state = api(f"{server_url}/api/sessions/{session_id(page)}")["state"]
    assert state["A"][0][0] == 0.75
    # keyboard: focus an edge and type the number
    page.locator("#edge-B-1-0").focus()
    page.keyboard.type("-0.5")
    with page.expect_response(re.compile(r"/weights$")):
        page.keyboard.press("Enter")
    assert api(f"{server_url}/api/sessions/{session_id(page)}")["state"]["B"][1][0] == -0.5
    # the next step computes from the edited weights: psi_1 = s_1 * 0.75 + s_2 * A21 + A31
    body = None
    with page.expect_response(re.compile(r"/step$")) as info:
        page.click("#step")
    body = info.value.json()
    t = body["trace"]
    assert t["A_before"][0][0] == 0.75 and t["B_before"][1][0] == -0.5
    # a value the server refuses is shown and nothing changes
    before = api(f"{server_url}/api/sessions/{session_id(page)}")["state"]
    page.click("#edge-A-0-1")
    page.fill("#weight-editor-value", "5e9")
    with page.expect_response(re.compile(r"/weights$")) as info:
        page.click("#weight-editor button[type=submit]")
    assert info.value.status == 422
    page.wait_for_function("/1000000/.test(document.querySelector('#weight-editor-error').textContent)")
    assert api(f"{server_url}/api/sessions/{session_id(page)}")["state"] == before


def test_edit_the_next_sample(watch, server_url):
    page = watch.page
    inputs = page.locator("#sample-editor-fields input")
    assert inputs.count() == 3  # s1, s2, y1 of xor
    inputs.nth(0).fill("0.25")
    inputs.nth(1).fill("-0.5")
    inputs.nth(2).fill("2")
    with page.expect_response(re.compile(r"/sample$")):
        page.click("#sample-editor button[type=submit]")
    settle(page)
    assert page.locator("#sample-s").text_content() == "(0.2500, -0.5000, 1)"
    with page.expect_response(re.compile(r"/step$")) as info:
        page.click("#step")
    t = info.value.json()["trace"]
    assert t["s"] == [0.25, -0.5, 1.0] and t["y"] == [2.0]
    assert page.locator("#sample-y").text_content() == "(2)"


def test_fit_view_curve_and_heat_map_update_while_playing(watch):
    page = watch.page
    canvas = page.locator("#fit-canvas")
    page.wait_for_function("document.querySelector('#fit-canvas').dataset.kind === 'heatmap'")
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.select_option("select[name=dataset]", "sine")
    page.wait_for_function("document.querySelector('#fit-canvas').dataset.kind === 'curve'")
    version = int(canvas.get_attribute("data-version"))
    page.click("#play")
    # below the fold it waits (the server is not asked for what no one sees), after the first
    # frames or two, before the browser has said where the canvas is ...
    page.wait_for_function("Number(document.querySelector('#step-count').textContent) > 30")
    assert int(canvas.get_attribute("data-version")) <= version + 2
    # ... and on the screen it follows the play
    canvas.scroll_into_view_if_needed()
    page.wait_for_function(f"Number(document.querySelector('#fit-canvas').dataset.version) >= {version + 3}")
    page.click("#play")
    # the drawing is not blank: many distinct colours on the canvas
    colours = page.evaluate(
        """() => {
            const c = document.querySelector('#fit-canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const seen = new Set();
            for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);
            return seen.size;
        }"""
    )
    assert colours > 3


def test_gradient_check_panel(watch):
    page = watch.page
    with page.expect_response(re.compile(r"/gradcheck$")) as info:
        page.keyboard.press("g")
    g = info.value.json()
    page.locator(".gradcheck-table").wait_for()
    rows = page.locator(".gradcheck-table tbody tr")
    assert rows.count() == 3 * 4 + 5 * 1
    assert "agrees" in page.locator("#gradcheck-summary").text_content()
    first = rows.nth(4)  # dL/dA_{2,1}
    cells = first.locator("td").all_text_contents()
    assert cells[0] == "∂L/∂A2,1"
    assert float(cells[1]) == round(g["grad_A"][1][0], 4) or abs(float(cells[1]) - g["grad_A"][1][0]) < 1e-4
    assert abs(float(cells[2]) - g["numeric_grad_A"][1][0]) < 1e-4


def test_hand_check_preset_matches_the_board(watch):
    page = watch.page
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.click("#hand-preset")
    settle(page)
    assert page.locator("select[name=f_A]").input_value() == "sigmoid"
    assert edge_labels(page, "A")[0].startswith("A1,1 = 0.15")
    page.click("#step")
    settle(page)
    # The worked example's numbers: out_o1 = 0.75136507, out_o2 = 0.772928465, E = 0.298371109
    assert shown(page, "y_hat", 1) == "0.7514" and shown(page, "y_hat", 2) == "0.7729"
    assert page.locator("#val-loss").text_content() == "L = 0.2984"


def test_dead_relu_units_are_marked_and_explained(watch):
    page = watch.page
    press_steps(page, 3)  # the third sample of xor leaves units 2-4 at psi <= 0 with seed 0
    dead = page.locator(".node-hid.dead")
    assert dead.count() >= 1
    note = page.locator("#dead-note")
    assert note.is_visible() and "do not move" in note.text_content()
    assert note.get_attribute("data-dead") == str(dead.count())
    # The note keeps its room as units die and revive, sample by sample: the diagram keeps its size.
    box = page.locator("#network").bounding_box()
    seen = set()
    for _ in range(8):
        press_steps(page, 1)
        count = page.locator(".node-hid.dead").count()
        seen.add(count)
        assert page.locator("#network").bounding_box() == box
        assert note.is_visible() and note.get_attribute("data-dead") == str(count)
        assert note.text_content().startswith("No dead ReLU unit") == (count == 0)
    assert len(seen) >= 2, seen  # the note did change on the way


def test_computation_meter(watch):
    page = watch.page
    meter = page.locator("#meter")
    # 2 inputs, 4 hidden, 1 output, bias: delta_B 1 + grad_B 5 + delta_A 4+4 + grad_A 12
    assert meter.get_attribute("data-backprop") == "26"
    # each dL/dB_jk: 2 multiplications (5 of them); each dL/dA_ij: 4 per output (12 of them)
    assert meter.get_attribute("data-naive") == str(2 * 5 + 4 * 12)
    page.fill("input[name=hidden]", "16")
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.dispatch_event("input[name=hidden]", "change")
    page.wait_for_function("document.querySelector('#meter').dataset.backprop !== '26'")
    assert meter.get_attribute("data-backprop") == str(1 + 17 + 16 + 16 + 3 * 16)


def test_export_import_and_downloads(watch, server_url, tmp_path):
    page = watch.page
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.select_option("select[name=order]", "shuffle")
    press_steps(page, 6)
    original = session_id(page)
    expected = api(f"{server_url}/api/sessions/{original}/export")
    with page.expect_download() as info:
        page.click("#export-session")
    path = tmp_path / "session.json"
    info.value.save_as(path)
    doc = json.loads(path.read_text())
    assert doc == expected and doc["run"]["step"] == 6
    page.set_input_files("#import-session", str(path))
    page.wait_for_function(f"document.body.dataset.session !== '{original}'")
    settle(page)
    assert page.locator("#step-count").text_content() == "6"
    imported = session_id(page)
    twin = api(f"{server_url}/api/sessions/import", "POST", doc)["id"]  # the same document, again
    a = api(f"{server_url}/api/sessions/{imported}/step", "POST", {"n": 9})
    b = api(f"{server_url}/api/sessions/{twin}/step", "POST", {"n": 9})
    assert a == b and a["state"]["step"] == 15
    for button, check in (
        ("#export-csv", lambda data: data.startswith(b"step,sample_loss,mean_loss\n")),
        ("#export-svg", lambda data: b"<svg" in data[:200] and b"edge-A-0-0" in data),
        ("#export-png", lambda data: data[:8] == b"\x89PNG\r\n\x1a\n"),
        ("#export-chart", lambda data: data[:8] == b"\x89PNG\r\n\x1a\n"),
    ):
        with page.expect_download() as info:
            page.click(button)
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        assert check(target.read_bytes()), button


def test_import_of_a_malformed_file_says_so(watch, tmp_path):
    page = watch.page
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "backprop-explainer/session", "version": 1}))
    before = session_id(page)
    page.set_input_files("#import-session", str(bad))
    notice = page.locator("#notice")
    notice.wait_for(state="visible")
    assert "config" in notice.text_content() or "run" in notice.text_content()
    assert session_id(page) == before


def test_quiz_asks_before_revealing(watch):
    page = watch.page
    page.keyboard.press("q")
    assert page.locator("#quiz").is_visible()
    for _ in range(4):  # the step, then x, theta
        page.keyboard.press("n")
        settle(page)
    # before y_hat is shown, the page asks for it
    assert page.locator("#equations").get_attribute("data-phase") == "theta"
    assert "ŷ" in page.locator("#quiz-prompt").text_content()
    page.fill("#quiz-guess", "0.5")
    page.click("#quiz button[type=submit]")
    assert page.locator("#equations").get_attribute("data-phase") == "y_hat"
    result = page.locator("#quiz-result").text_content()
    assert "the value is" in result or "Spot on" in result


def test_code_panel_shows_the_line_of_the_phase(watch):
    page = watch.page
    page.locator(".code-src").first.wait_for()
    assert "def step(" in page.locator("#code").text_content()
    for phase in PHASES[: PHASES.index("delta_A") + 1]:
        page.keyboard.press("n")
        settle(page)
        assert page.locator("#code").get_attribute("data-phase") == phase
    current = page.locator(".code-src.current").all_text_contents()
    assert any("delta_A = " in line for line in current)
    # the same phase in all three places
    assert page.locator("#equations").get_attribute("data-phase") == "delta_A"
    assert page.locator("#code-delta_A.current").count() == 1
    assert page.locator(".node-hid.computing").count() == 4


def test_presenter_mode(watch, artifacts):
    page = watch.page
    page.click("#step")
    settle(page)
    before = page.eval_on_selector("#network-svg", "e => e.getBoundingClientRect().width")
    page.keyboard.press("f")
    assert "presenter" in page.evaluate("document.body.className")
    assert not page.locator(".settings-panel").is_visible()
    assert page.locator("#network-svg").is_visible() and page.locator("#equations").is_visible()
    after = page.eval_on_selector("#network-svg", "e => e.getBoundingClientRect().width")
    assert after >= before
    page.screenshot(path=artifacts / "page-presenter.png")
    page.keyboard.press("f")
    assert page.locator(".settings-panel").is_visible()
