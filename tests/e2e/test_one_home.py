"""The page's own tables against the server's, read from the very modules the page runs:
the phase list, the config's fields, the number parser, the weights a play frame leaves out."""

from __future__ import annotations

import json
import math
import re
import urllib.request

import pytest

# The schema's type of each kind of field in the page's config table.
SCHEMA_TYPE = {"int": "integer", "float": "number", "bool": "boolean"}


def get(url: str):
    with urllib.request.urlopen(url) as r:
        return json.load(r)


def post(url: str, body):
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def from_module(page, path: str, expression: str):
    """`expression` over the page's module at `path`: the same instance the page itself imported."""
    return page.evaluate(f"import('{path}').then((m) => {expression})")


def settle(page) -> None:
    page.wait_for_function("document.body.dataset.busy !== 'true'")


def test_the_phase_list_is_the_servers(watch, server_url):
    ids = from_module(watch.page, "/static/state/phases.js", "m.PHASES.map((p) => p.id)")
    assert ids == list(get(f"{server_url}/api/source")["phases"])
    assert len(ids) == 11


@pytest.mark.parametrize(
    ("table", "schema"),
    [("CONFIG_FIELDS", "ConfigIn"), ("ENVIRONMENT_FIELDS", "WalkIn"), ("CONTROL_FIELDS", "MountainCarIn")],
)
def test_the_config_table_is_the_servers(watch, server_url, table, schema):
    fields = from_module(watch.page, "/static/state/config.js", f"m.{table}")
    properties = get(f"{server_url}/openapi.json")["components"]["schemas"][schema]["properties"]
    assert sorted(f["name"] for f in fields) == sorted(properties)
    for field in fields:
        prop = properties[field["name"]]
        if "default" in prop:
            assert field["default"] == prop["default"], field["name"]
        if "enum" in prop:
            values = [c[0] if isinstance(c, list) else c for c in field["choices"]]
            assert values == prop["enum"], field["name"]
        if field["kind"] in SCHEMA_TYPE:
            assert prop["type"] == SCHEMA_TYPE[field["kind"]], field["name"]


def test_every_typed_number_goes_through_the_one_parser(watch):
    page = watch.page

    def parsed(text: str, name: str, whole: bool = False) -> str:
        args = f"{json.dumps(text)}, {json.dumps(name)}, {{ whole: {json.dumps(whole)} }}"
        return from_module(page, "/static/lib/parse.js", f"m.parseNumber({args}).message")

    page.fill("input[name=hidden]", "2.5")
    page.dispatch_event("input[name=hidden]", "change")
    assert page.locator(".field-error[data-for=hidden]").text_content() == parsed("2.5", "hidden", True)
    assert parsed("2.5", "hidden", True) == "hidden: must be a whole number"
    page.fill("input[name=hidden]", "4")
    with page.expect_response(re.compile(r"/api/sessions$")):
        page.dispatch_event("input[name=hidden]", "change")
    settle(page)

    page.click("#edge-A-0-0")
    page.fill("#weight-editor-value", "1..5")
    page.click("#weight-editor button[type=submit]")
    assert page.locator("#weight-editor-error").text_content() == parsed("1..5", "A[1,1]")
    assert parsed("1..5", "A[1,1]") == "A[1,1]: “1..5” is not a number"
    page.click("#weight-editor-cancel")

    page.locator("#sample-editor-fields input").nth(1).fill("two")
    page.click("#sample-editor button[type=submit]")
    assert page.locator("#sample-editor-error").text_content() == parsed("two", "s2 of sample 1")

    with page.expect_response(re.compile(r"/api/sessions$")):
        page.select_option("select[name=mode]", "td")
    settle(page)
    page.fill("input[name=states]", "7.5")
    page.dispatch_event("input[name=states]", "change")
    assert page.locator(".field-error[data-for=states]").text_content() == parsed("7.5", "states", True)


def close(a: float, b: float) -> bool:
    # Frames carry float32: about seven significant digits.
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_the_weights_before_a_play_frame_are_derived_as_the_server_has_them(watch, server_url, optimizer):
    page = watch.page
    if optimizer != "sgd":
        with page.expect_response(re.compile(r"/api/sessions$")):
            page.select_option("select[name=optimizer]", optimizer)
        settle(page)
    page.select_option("#steps-per-frame", "1")
    page.select_option("#rate", "10")
    session = page.evaluate("document.body.dataset.session")
    start = get(f"{server_url}/api/sessions/{session}/export")  # step 0: a twin replays the same run
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda text: frames.append(json.loads(text))))
    page.click("#play")
    page.wait_for_function("Number(document.querySelector('#step-count').textContent) >= 3", timeout=15_000)
    page.click("#play")
    what = "({step: m.state.counters.step, trace: m.state.trace})"
    shown = from_module(page, "/static/state/store.js", what)

    # What the page shows came from a frame, and that frame left these out.
    frame = next(f for f in frames if f.get("type") == "frame" and f["state"]["step"] == shown["step"])
    derived = ("grad_A", "grad_B", "A_before", "B_before")
    assert not set(derived) & set(frame["trace"])

    twin = post(f"{server_url}/api/sessions/import", start)["id"]
    full = post(f"{server_url}/api/sessions/{twin}/step", {"n": shown["step"]})["trace"]
    assert full["s"] == pytest.approx(shown["trace"]["s"]) and full["index"] == shown["trace"]["index"]
    for name in derived:
        for i, (row, server_row) in enumerate(zip(shown["trace"][name], full[name], strict=True)):
            for j, (value, server_value) in enumerate(zip(row, server_row, strict=True)):
                assert close(value, server_value), (name, i, j, value, server_value)
    # The step moved the weights, so weights taken as they are after it could not pass.
    for name in ("A", "B"):
        pairs = zip(full[name], full[f"{name}_before"], strict=True)
        moved = max(abs(w - v) for rw, rv in pairs for w, v in zip(rw, rv, strict=True))
        assert moved > 1e-3, name
