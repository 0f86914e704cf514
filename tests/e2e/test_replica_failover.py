"""A play stream whose server side goes away, in a real headless browser.

Two app replicas keep their sessions in a real Redis behind the deployment's nginx; the
replica that holds the page's play socket is killed, and the page opens a new socket for
the same session, which goes on from the state the server saved.  Beside it: Pause calls
a reconnect off, the page gives up after its last try, and a session the server lost
(close code 4404) is still started afresh rather than reconnected.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live_server import LiveServer, free_port, live_server
from tests.nginx_server import Nginx, nginx_server
from tests.redis_server import redis_server

LOST = "Connection lost; reconnecting"
RESUMED = re.compile(r"Reconnected: play continues from step (\d+) as the server saved it\.")
GAVE_UP = "could not be reached"

# Every shown step and every notice the page puts up, in order, kept by the page itself
# (a poll from here could miss a notice that is up for a quarter of a second).
WATCH = """() => {
  const seen = (window.__seen = { steps: [], notices: [] });
  const step = document.querySelector('#step-count');
  const notice = document.querySelector('#notice');
  const all = { childList: true, characterData: true, subtree: true, attributes: true };
  new MutationObserver(() => seen.steps.push(Number(step.textContent))).observe(step, all);
  new MutationObserver(() => {
    const text = notice.hidden ? '' : notice.textContent;
    if (seen.notices[seen.notices.length - 1] !== text) seen.notices.push(text);
  }).observe(notice, all);
}"""


def kill_hard(proc) -> None:
    """SIGKILL to an app process and its own (the step workers' forkserver and pool), as when a
    replica's container dies: its sockets vanish without a close frame, and nothing lingers."""
    for pid in [proc.pid, *descendants(proc.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc (they would outlive a killed parent)."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            for child in map(int, children.read_text().split()):
                found += [child, *descendants(child)]
    return found


class Replica:
    """One app process on a port of its own, which the test may kill and start again there."""

    def __init__(self, port: int, **env: str) -> None:
        self.port = port
        self.env = env
        self.address = f"127.0.0.1:{port}"
        self._running = contextlib.ExitStack()
        self.server: LiveServer | None = None

    def start(self) -> None:
        self.server = self._running.enter_context(live_server(port=self.port, **self.env))

    def kill(self) -> None:
        assert self.server is not None
        kill_hard(self.server.proc)
        self._running.close()
        self.server = None

    def close(self) -> None:
        self._running.close()


@contextlib.contextmanager
def replicas(k: int, **env: str) -> Iterator[list[Replica]]:
    ports: set[int] = set()
    while len(ports) < k:
        ports.add(free_port())
    started = [Replica(port, **env) for port in sorted(ports)]
    try:
        for replica in started:
            replica.start()
        yield started
    finally:
        for replica in started:
            replica.close()


@contextlib.contextmanager
def page_at(browser, url: str):
    # bypass_csp: the test's own waits evaluate script, which the page's CSP forbids.
    context = browser.new_context(viewport={"width": 1280, "height": 720}, bypass_csp=True)
    page = context.new_page()
    crashes: list[str] = []
    page.on("pageerror", lambda e: crashes.append(str(e)))
    page.goto(url + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=15_000)
    page.evaluate(WATCH)
    try:
        yield page
        assert crashes == [], crashes  # the page's own code never threw
    finally:
        context.close()


def seen(page) -> dict:
    return page.evaluate("window.__seen")


def shown_step(page) -> int:
    return int(page.locator("#step-count").text_content())


def wait_notice(page, text: str, seconds: float) -> None:
    page.wait_for_function(
        "(text) => window.__seen.notices.some((n) => n.includes(text))", arg=text, timeout=seconds * 1000
    )


def wait_step(page, at_least: int, seconds: float = 10) -> None:
    page.wait_for_function(
        "(n) => Number(document.querySelector('#step-count').textContent) >= n",
        arg=at_least,
        timeout=seconds * 1000,
    )


def play(page) -> None:
    """Play at 10 frames a second, one step each: a rate at which the page keeps up even on a
    busy machine (at 30 it may fall seconds behind the frames it is sent)."""
    page.select_option("#rate", "10")
    page.select_option("#steps-per-frame", "1")
    page.click("#play")


def pause(page) -> None:
    page.click("#play")
    page.locator("#play", has_text="Play (P)").wait_for()


def plays_ended(nginx: Nginx) -> list[str]:
    """The replica of each play socket that has ended (nginx logs a socket when it closes)."""
    return [r.upstreams[-1] for r in nginx.requests() if r.path.endswith("/play") and r.status == 101]


def ended_within(nginx: Nginx, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not plays_ended(nginx):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def wait_routed(nginx: Nginx, replica: Replica, http: httpx.Client, seconds: float = 15) -> None:
    """Until nginx sends requests to `replica` again: it marks a replica that refused a
    connection as failed for its fail_timeout, and a play socket must be able to land there."""
    deadline = time.monotonic() + seconds
    logged = len(nginx.requests())
    while True:
        http.get(f"{nginx.url}/healthz")
        served = [r.upstreams[-1] for r in nginx.requests()[logged:] if r.status == 200 and r.upstreams]
        if replica.address in served:
            return
        assert time.monotonic() < deadline, f"nginx sent nothing to {replica.address} after its restart"
        time.sleep(0.2)


def kill_the_player_replica(page, apps: list[Replica], nginx: Nginx, http: httpx.Client) -> tuple:
    """Kills the replica that holds the page's play socket: that replica, and the step the
    page showed just before."""
    before = shown_step(page)
    apps[0].kill()
    if ended_within(nginx, 2):
        return apps[0], before
    # The socket is on the other replica, and the page played on without a notice.
    assert shown_step(page) > before, "the page neither reconnected nor played on"
    assert not any(LOST in n for n in seen(page)["notices"])
    apps[0].start()
    wait_routed(nginx, apps[0], http)
    before = shown_step(page)
    apps[1].kill()
    return apps[1], before


def test_a_play_stream_whose_replica_dies_goes_on_on_another_from_the_saved_state(browser, artifacts):
    with (
        redis_server() as redis,
        replicas(2, REDIS_URL=redis.url) as apps,
        nginx_server([a.address for a in apps]) as nginx,
        httpx.Client(trust_env=False, timeout=15) as http,
        page_at(browser, nginx.url) as page,
    ):
        sid = page.evaluate("document.body.dataset.session")
        start = http.get(f"{nginx.url}/api/sessions/{sid}/export").json()  # step 0, for a twin
        play(page)
        wait_step(page, 30)
        killed, before = kill_the_player_replica(page, apps, nginx, http)

        wait_notice(page, LOST, 5)
        wait_notice(page, "Reconnected", 15)
        resumed = next(m for n in seen(page)["notices"] if (m := RESUMED.fullmatch(n)))
        assert int(resumed[1]) >= before
        wait_step(page, int(resumed[1]) + 15)  # and it keeps on playing
        page.screenshot(path=artifacts / "play-reconnected.png")

        steps = seen(page)["steps"]
        assert steps == sorted(steps), "the step counter went back"
        assert page.evaluate("document.body.dataset.session") == sid  # the same session, reopened
        assert plays_ended(nginx) == [killed.address]  # the killed one; the new socket is still open
        created = [r for r in nginx.requests() if r.method == "POST" and r.path == "/api/sessions"]
        assert len(created) == 1, created

        pause(page)
        page.wait_for_timeout(300)
        shown = page.evaluate(
            "import('/static/state/store.js').then(({state}) => "
            "({step: state.counters.step, A: state.A, B: state.B}))"
        )
        assert shown["step"] == shown_step(page)
        # Frames the server sent while the page was still drawing older ones are dropped
        # when Pause closes the socket, so the server may be a few steps on: as without
        # any failover.  What the page shows is the run at its step, as a twin of the
        # session's first document computes it without ever losing a connection.
        saved = http.get(f"{nginx.url}/api/sessions/{sid}").json()["state"]
        assert shown["step"] <= saved["step"] <= shown["step"] + 15, (shown["step"], saved["step"])
        twin = http.post(f"{nginx.url}/api/sessions/import", json=start).json()["id"]
        at_page = http.post(f"{nginx.url}/api/sessions/{twin}/step", json={"n": shown["step"]}).json()
        for name in ("A", "B"):  # frames carry float32
            rows = [pytest.approx(row, rel=1e-6, abs=1e-7) for row in at_page["trace"][name]]
            assert shown[name] == rows, name
        extra = saved["step"] - shown["step"]
        if extra:
            at_server = http.post(f"{nginx.url}/api/sessions/{twin}/step", json={"n": extra}).json()
            assert at_server["trace"]["A"] == saved["A"] and at_server["trace"]["B"] == saved["B"]
        else:
            assert at_page["trace"]["A"] == saved["A"] and at_page["trace"]["B"] == saved["B"]


def test_pause_calls_a_reconnect_off_and_the_page_gives_up_after_its_last_try(browser, artifacts):
    port = free_port()
    with live_server(port=port) as app, page_at(browser, app.url) as page:
        opened: list[str] = []
        page.on("websocket", lambda ws: opened.append(ws.url))
        # The page's back-offs, read while the server is there to serve the module.
        retries = page.evaluate("import('/static/state/reconnect.js').then((m) => m.RETRY_DELAYS.length)")
        play(page)
        wait_step(page, 3)
        kill_hard(app.proc)

        wait_notice(page, LOST, 5)
        page.screenshot(path=artifacts / "play-reconnecting.png")
        pause(page)
        assert page.locator("#notice").is_hidden()
        tries = len(opened)
        page.wait_for_timeout(2500)  # past the next back-offs
        assert len(opened) == tries, "a socket was opened after Pause"

        page.click("#play")  # no server at all: the first socket and every try fail
        page.locator("#notice", has_text=GAVE_UP).wait_for(timeout=20_000)
        assert page.locator("#play").text_content() == "Play (P)"
        assert len(opened) == tries + 1 + retries


def test_a_session_the_server_lost_mid_play_is_started_afresh_not_reconnected(browser, server_url):
    with page_at(browser, server_url) as page, httpx.Client(trust_env=False) as http:
        sid = page.evaluate("document.body.dataset.session")
        play(page)
        wait_step(page, 3)
        assert http.delete(f"{server_url}/api/sessions/{sid}").status_code == 204  # the stream closes 4404
        page.locator("#notice", has_text="fresh one").wait_for(timeout=10_000)
        assert page.evaluate("document.body.dataset.session") != sid
        assert not any(LOST in n for n in seen(page)["notices"])
        assert page.locator("#play").text_content() == "Play (P)"
