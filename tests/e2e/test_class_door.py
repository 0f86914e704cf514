"""The teacher's door in a real browser: the class bar shows the seats by network (a tag each,
never an address), Lock keeps a new student out while the class goes on, and Drop (pressed
twice) removes a network: its student's page says so and stops reconnecting.

The server trusts this machine as a proxy, so each browser (and each socket of the hog) names
its network in X-Forwarded-For: a school's Wi-Fi, and an intruder's."""

from __future__ import annotations

import contextlib
import json
import time

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.e2e.conftest import PageWatch
from tests.e2e.test_accessibility import serious
from tests.live_server import live_server

LAPTOP = {"viewport": {"width": 1280, "height": 720}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SCHOOL, INTRUDER = "192.0.2.10", "198.51.100.66"
HOG_SEATS = 5


@pytest.fixture(scope="module")
def proxied_url():
    with live_server(TRUSTED_PROXIES="127.0.0.1") as (url, _):
        yield url


class Room:
    def __init__(self, browser, url: str) -> None:
        self.browser, self.url, self.contexts, self.pages = browser, url, [], []
        self.teacher = self.page(LAPTOP, "/", None)
        self.teacher.locator("body[data-ready=true]").wait_for()
        self.teacher.click("#class-start")
        self.teacher.locator("#class-join:not([hidden])").wait_for()
        self.code = self.teacher.locator("#class-code").text_content()
        self.teacher.click("#class-join-hide")

    def page(self, kind: dict, path: str, network: str | None):
        headers = {"extra_http_headers": {"X-Forwarded-For": network}} if network else {}
        context = self.browser.new_context(bypass_csp=True, **kind, **headers)
        self.contexts.append(context)
        page = context.new_page()
        page.watch = PageWatch(page, self.url)
        page.sockets = []
        page.on("websocket", lambda ws: page.sockets.append(ws.url))
        page.goto(self.url + path)
        self.pages.append(page)
        return page

    def student(self, kind: dict, network: str):
        return self.page(kind, f"/c/{self.code}", network)

    def close(self) -> None:
        for page in self.pages:
            assert page.watch.errors == [], page.watch.errors
            assert page.watch.outside == [], page.watch.outside
        for context in self.contexts:
            context.close()


@pytest.fixture
def room(browser, proxied_url):
    r = Room(browser, proxied_url)
    yield r
    r.close()


@contextlib.contextmanager
def _hog(url: str, code: str, i: int):
    with connect(
        url.replace("http://", "ws://") + f"/api/classes/{code}/student?student=hog-seat-{i:03d}",
        additional_headers={"X-Forwarded-For": INTRUDER},
        open_timeout=10,
    ) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        yield ws


def _close_code(ws, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            ws.recv(timeout=deadline - time.monotonic())
    except ConnectionClosed as e:
        return e.rcvd.code if e.rcvd else None
    except TimeoutError:
        return None
    return None


def _rows(page) -> list[str]:
    return page.locator("#class-addresses li").all_text_contents()


def test_the_teacher_sees_the_networks_locks_and_drops_the_intruders(room, artifacts):
    t = room.teacher
    school = [room.student(LAPTOP, SCHOOL), room.student(PHONE, SCHOOL)]
    intruder = room.student(LAPTOP, INTRUDER)
    for page in [*school, intruder]:
        page.locator("body[data-class-state=following]").wait_for(timeout=15_000)
    with contextlib.ExitStack() as stack:
        hog = [stack.enter_context(_hog(room.url, room.code, i)) for i in range(HOG_SEATS)]
        t.wait_for_function(f"document.querySelector('#class-bar-joined').textContent === '{3 + HOG_SEATS}'")
        t.locator("#class-door:not([hidden])").wait_for()
        t.wait_for_function("document.querySelectorAll('#class-addresses li').length === 2")
        rows = _rows(t)
        assert f"{HOG_SEATS + 1} seats" in rows[0] and "2 seats" in rows[1]
        assert "127.0.0." not in t.locator("#class-drive").inner_text()
        for address in (SCHOOL, INTRUDER):
            assert address not in t.content()
        assert "school" in t.locator("#class-door-status").text_content()
        t.locator("#class-drive").screenshot(path=artifacts / "class-door-groups.png")
        t.screenshot(path=artifacts / "class-door-page.png")

        # Lock: a new student is not let in, and is not tried again; the class goes on.
        t.click("#class-lock")
        t.wait_for_function("document.querySelector('#class-lock').getAttribute('aria-pressed') === 'true'")
        assert t.locator("#class-lock").text_content() == "Unlock joining"
        late = room.student(LAPTOP, SCHOOL)
        late.locator("body[data-class-state=ended]").wait_for(timeout=15_000)
        assert late.locator("#class-banner-text").text_content() == (
            "Not let in: the teacher has closed this class to new students."
        )
        # Drop: the first press asks, the second drops that network's every seat.
        tag = t.locator("#class-addresses li").first.get_attribute("data-tag")
        drop = t.locator(f"#class-addresses li[data-tag='{tag}'] button")
        drop.click()
        assert drop.text_content() == f"Drop {HOG_SEATS + 1} seats?"
        t.locator("#class-drive").screenshot(path=artifacts / "class-door-asking.png")
        assert serious(t) == []  # axe-core: the bar with its networks, asking
        assert [_close_code(ws, 0.2) for ws in hog[:1]] == [None]  # asked, not yet dropped
        drop.click()
        intruder.locator("body[data-class-state=ended]").wait_for(timeout=5_000)
        assert intruder.locator("#class-banner-text").text_content() == (
            "Removed: the teacher removed this device from the class."
        )
        intruder.screenshot(path=artifacts / "class-door-removed.png")
        assert [_close_code(ws, 3) for ws in hog] == [4410] * HOG_SEATS
        t.wait_for_function("document.querySelector('#class-bar-joined').textContent === '2'")
        t.wait_for_function("!document.querySelector('#class-blocked').hidden")
        assert _rows(t) == [] or all(tag not in row for row in _rows(t))
        t.locator("#class-drive").screenshot(path=artifacts / "class-door-dropped.png")
    sockets = (len(intruder.sockets), len(late.sockets))
    time.sleep(3)  # longer than the page's first retries
    assert (len(intruder.sockets), len(late.sockets)) == sockets == (1, 1)
    for page in school:
        assert page.locator("body").get_attribute("data-class-state") == "following"
    # Unlock: the late student's reload gets in.
    t.click("#class-lock")
    t.wait_for_function("document.querySelector('#class-lock').getAttribute('aria-pressed') === 'false'")
    late.reload()
    late.locator("body[data-class-state=following]").wait_for(timeout=15_000)
