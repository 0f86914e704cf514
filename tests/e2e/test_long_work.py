"""Work longer than one call: an epoch of a large D, the rest of a long episode, a link's
steps replayed, each in calls of at most the session's max_steps, with a progress bar and
a Stop button; a busy server (429) is waited for and the same call asked again."""

from __future__ import annotations

import json
import math
import random
import re

import pytest

from tests.e2e.helpers import api
from tests.e2e.test_td import td_mode, type_setting

ROWS = 2000  # the most rows a data set may have: its epoch is the longest there is
STEP_URL = re.compile(r"/api/sessions/[^/]+/step$")


def settle(page) -> None:
    page.wait_for_function("document.body.dataset.busy !== 'true'", timeout=60_000)


def step_count(page) -> int:
    return int(page.locator("#step-count").text_content())


def wait_for_step(page, step: int) -> None:
    page.wait_for_function(f"document.querySelector('#step-count').textContent === '{step}'", timeout=60_000)


class StepCalls:
    """Every step call a page makes from now on, in order: what it asked for and the answer."""

    def __init__(self, page) -> None:
        self.sent: list[dict] = []
        self.answers: list = []
        page.on("request", lambda r: STEP_URL.search(r.url) and self.sent.append(r.post_data_json))
        page.on("response", lambda r: STEP_URL.search(r.url) and self.answers.append(r))

    def taken(self) -> list[tuple[dict, dict]]:
        """(asked, answer) of each call that went through."""
        pairs = zip(self.sent, self.answers, strict=True)
        return [(asked, r.json()) for asked, r in pairs if r.status == 200]

    def check_refusals(self, watch) -> int:
        """Each refused call was a 429, asked again as it was, or a 422 on n (the budget shrank
        since the session's last answer), asked again shorter; the console holds nothing but
        the browser's own line for each.  Returns how many 429s there were."""
        refused = [i for i, r in enumerate(self.answers) if r.status != 200]
        for i in refused:
            if self.answers[i].status == 429:
                assert self.sent[i + 1] == self.sent[i]
            else:
                assert self.answers[i].json()["detail"][0]["field"] == "n"
                assert self.sent[i + 1]["n"] < self.sent[i]["n"]
        others = [e for e in watch.errors if not re.search(r"status of 42[29] ", e)]
        assert others == [] and len(watch.errors) == len(refused), watch.errors
        return sum(self.answers[i].status == 429 for i in refused)


def max_steps(server_url: str, page) -> int:
    sid = page.evaluate("document.body.dataset.session")
    return api(f"{server_url}/api/sessions/{sid}")["limits"]["max_steps"]


@pytest.fixture(scope="module")
def long_epoch(server_url) -> dict:
    """An exported session whose epoch of ROWS steps takes from 3 to 20 calls on this server
    (at least 2 where even the widest network is quick).

    The budget comes from this machine's step costs, measured when the server starts, so
    the network is found here, by bisection on its width: Adam's steps are all traced, so
    a few hundred of them fill a call.  Each try takes a full call first, since the server
    corrects its estimates by the calls it sees.
    """
    rng = random.Random(0)
    data = {
        "s": [[rng.choice((0, 1)) for _ in range(100)] for _ in range(ROWS)],
        "y": [[rng.choice((0, 1))] for _ in range(ROWS)],
    }
    base, tried, fallback = f"{server_url}/api/sessions", {}, None
    low, high = 8, 256
    while low <= high:
        hidden = (low + high) // 2
        config = {"data": data, "hidden": hidden, "optimizer": "adam", "alpha_A": 0.001, "alpha_B": 0.001}
        session = api(base, "POST", config)
        sid = session["id"]
        api(f"{base}/{sid}/step", "POST", {"n": session["limits"]["max_steps"]})
        api(f"{base}/{sid}/reset", "POST", {})
        doc, k = api(f"{base}/{sid}/export"), api(f"{base}/{sid}")["limits"]["max_steps"]
        api(f"{base}/{sid}", "DELETE")
        tried[hidden], calls = k, math.ceil(ROWS / k)
        if 3 <= calls <= 20:
            return doc
        if calls == 2:
            fallback = doc
        low, high = (hidden + 1, high) if calls < 3 else (low, hidden - 1)
    if fallback:
        return fallback
    pytest.fail(f"no width gives an epoch of {ROWS} steps in 2 to 20 calls here: max_steps by width {tried}")


def open_long_epoch(page, doc: dict) -> None:
    """The session opened through the page's own Open session…"""
    file = {"name": "long-epoch.json", "mimeType": "application/json", "buffer": json.dumps(doc).encode()}
    page.set_input_files("#import-session", files=[file])
    page.locator("#notice", has_text="Opened long-epoch.json").wait_for()
    settle(page)


# What the page shows each time the step counter changes: the counter, the sample on show,
# the progress bar's label, and whether Step, Epoch, Play and Stop are off.
RECORD_SHOWN = """() => {
    const $ = (id) => document.getElementById(id);
    window.shown = [];
    new MutationObserver(() => window.shown.push([
        Number($('step-count').textContent), $('sample-index').textContent, $('work-label').textContent,
        $('step').disabled, $('epoch').disabled, $('play').disabled, $('stop-work').disabled,
    ])).observe($('step-count'), { childList: true, characterData: true, subtree: true });
}"""


def test_an_epoch_past_one_call_runs_in_calls_with_a_progress_bar(watch, server_url, long_epoch):
    page = watch.page
    open_long_epoch(page, long_epoch)
    k, start = max_steps(server_url, page), step_count(page)
    calls = StepCalls(page)
    page.evaluate(RECORD_SHOWN)
    page.click("#epoch")
    page.get_by_role("progressbar", name=re.compile(r"^Epoch: [\d,]+ of 2,000 steps$")).wait_for()
    wait_for_step(page, start + ROWS)
    settle(page)
    assert page.locator("#work").is_hidden() and page.locator("#step").is_enabled()
    calls.check_refusals(watch)
    taken = calls.taken()
    assert len(taken) >= math.ceil(ROWS / k) >= 2
    assert all(asked["n"] <= k for asked in calls.sent), calls.sent
    assert sum(asked["n"] for asked, _ in taken) == ROWS
    # Each call's answer was on show as it came, the step buttons off and Stop on until the last.
    shown = {row[0]: row[1:] for row in page.evaluate("window.shown")}
    bodies = [body for _, body in taken]
    for body in bodies[:-1]:
        step = body["state"]["step"]
        label = f"Epoch: {step - start:,} of 2,000 steps"
        assert shown[step] == [f"#{body['trace']['index'] + 1}", label, True, True, True, False], step
    assert shown[start + ROWS][0] == f"#{bodies[-1]['trace']['index'] + 1}"
    points = int(page.locator("#loss-chart").get_attribute("data-points"))
    assert points >= ROWS  # every call's losses, not only the last one's


def test_stop_ends_the_epoch_after_the_call_in_flight(watch, server_url, long_epoch):
    page = watch.page
    open_long_epoch(page, long_epoch)
    start = step_count(page)
    held = []  # the first call, held back until Stop has been pressed

    def hold_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(STEP_URL, hold_first)
    calls = StepCalls(page)
    page.click("#epoch")
    page.locator("#work-progress").wait_for()
    while not held:
        page.wait_for_timeout(20)
    page.click("#stop-work")
    assert page.locator("#stop-work").text_content() == "Stopping…"
    assert page.locator("#work-status").text_content() == "stopping after this call"
    held[0].continue_()
    settle(page)
    page.wait_for_timeout(1000)
    assert len(calls.sent) == 1, calls.sent  # no call after the one in flight
    assert step_count(page) == start + calls.sent[0]["n"] < start + ROWS
    assert page.locator("#work").is_hidden() and page.locator("#epoch").is_enabled()
    # Epoch again takes the rest of the pass over D.
    page.keyboard.press("e")
    wait_for_step(page, start + ROWS)
    settle(page)
    calls.check_refusals(watch)


def test_a_busy_server_is_waited_for_and_the_same_call_asked_again(watch, long_epoch, artifacts):
    page = watch.page
    open_long_epoch(page, long_epoch)
    start = step_count(page)
    refused = []

    def busy_once(route):
        if refused:
            route.continue_()
            return
        refused.append(route.request.post_data_json)
        body = json.dumps({"message": "the server is running 2 long calls for other learners"})
        route.fulfill(status=429, headers={"Retry-After": "1"}, content_type="application/json", body=body)

    page.route(STEP_URL, busy_once)
    calls = StepCalls(page)
    page.click("#epoch")
    page.locator("#work-status", has_text="server busy, retrying in 1 s").wait_for()
    page.locator(".controls").screenshot(path=artifacts / "long-work-retrying.png")
    wait_for_step(page, start + ROWS)
    settle(page)
    assert calls.sent[0] == calls.sent[1] == refused[0]  # the refused call, asked again as it was
    assert calls.check_refusals(watch) == 1
    assert page.locator("#notice").is_hidden()


def test_a_budget_that_shrank_is_read_again_and_the_call_asked_shorter(watch, long_epoch):
    page = watch.page
    open_long_epoch(page, long_epoch)
    start = step_count(page)
    refused = []

    def too_long_once(route):
        if refused:
            route.continue_()
            return
        refused.append(route.request.post_data_json["n"])
        message = f"n: at most {refused[0] // 2} steps per call for this session, not {refused[0]}"
        detail = [{"field": "n", "msg": message, "type": "value_error"}]
        route.fulfill(status=422, json={"message": message, "detail": detail})

    def shrunk(route):  # the session as the server now has it, with half the budget
        if route.request.method != "GET":
            route.fallback()
            return
        answer = route.fetch()
        body = answer.json()
        body["limits"]["max_steps"] = refused[0] // 2
        route.fulfill(response=answer, json=body)

    page.route(STEP_URL, too_long_once)
    page.route(re.compile(r"/api/sessions/[^/]+$"), shrunk)
    calls = StepCalls(page)
    page.click("#epoch")
    wait_for_step(page, start + ROWS)
    settle(page)
    assert calls.sent[1]["n"] == refused[0] // 2
    assert all(asked["n"] <= refused[0] // 2 for asked in calls.sent[1:]), calls.sent
    calls.check_refusals(watch)
    assert page.locator("#notice").is_hidden()


def test_an_episode_past_one_call_is_asked_for_until_it_ends(watch, server_url):
    page = watch.page
    td_mode(page, states="400")
    type_setting(page, "seed", "5")
    k = max_steps(server_url, page)
    calls = StepCalls(page)
    page.keyboard.press("e")
    page.get_by_role("progressbar", name=re.compile(r"^Episode: [\d,]+ steps so far$")).wait_for()
    page.locator("#epoch-count", has_text="1").wait_for(timeout=60_000)
    settle(page)
    # This seed's first episode is some 36,000 steps; a call takes at most k of them (fewer
    # once the server finds its budget smaller: "to the episode's end" is cut, not refused).
    assert len(calls.sent) >= math.ceil(step_count(page) / k) >= 2, (k, step_count(page))
    assert all(asked == {"n": k, "to_episode_end": True} for asked in calls.sent), calls.sent
    assert page.locator("#work").is_hidden()
    assert watch.errors == [], watch.errors


def test_a_link_past_one_call_is_replayed_in_calls(watch, browser, server_url):
    page = watch.page
    td_mode(page, states="400")
    k = max_steps(server_url, page)
    page.click("#copy-link")
    link = re.sub(r"&step=\d+|$", f"&step={3 * k}", page.locator("#share-link").input_value(), count=1)
    other = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True).new_page()
    calls = StepCalls(other)
    other.goto(link)
    other.wait_for_selector("body[data-ready=true]", timeout=60_000)
    assert other.locator("#step-count").text_content() == str(3 * k)
    taken = calls.taken()
    assert len(taken) >= 3 and all(asked["n"] <= k for asked in calls.sent), calls.sent
    other.context.close()
