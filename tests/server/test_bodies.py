"""Request bodies of the real server (`python -m app`) over real sockets on loopback: a body
that stalls or trickles is answered 408 and let go, and the bodies held at once are bounded,
so that a thousand half-sent uploads cannot take the server's memory."""

from __future__ import annotations

import contextlib
import socket
import time

import httpx
import pytest

from tests.live_server import live_server, rss_bytes
from tests.system.test_edge import PATIENCE, _closes, _connect

HEADER_TIMEOUT = 1.0
IN_FLIGHT = 8 * 2**20  # bytes of bodies the server under test holds at once
BODY = 1_900_000  # of a 2,000,000-byte body, as the attack sent


@pytest.fixture(scope="module")
def server():
    env = {"HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT), "BODY_BYTES_IN_FLIGHT": str(IN_FLIGHT)}
    with live_server(**env) as (url, proc):
        yield url, proc


def _head(path: str, length: int) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
        f"content-length: {length}\r\n\r\n"
    ).encode()


def _session(url: str) -> str:
    return httpx.post(f"{url}/api/sessions", json={}).json()["id"]


@pytest.mark.parametrize("path", ["/api/sessions", "/api/sessions/{sid}/step"])
def test_a_body_that_stops_coming_is_answered_408_and_closed(server, path):
    url, _ = server
    path = path.format(sid=_session(url))  # the step's fast path, and the whole app's
    with _connect(url) as s:
        s.sendall(_head(path, 2_000_000) + b"[" + b" " * 100_000)
        started = time.monotonic()
        answer = _closes(s)
        took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert b"body: a request's body must keep coming" in answer
    assert took < 3 * HEADER_TIMEOUT + 1


def test_a_body_that_trickles_is_answered_408(server):
    url, _ = server
    with _connect(url) as s:
        s.sendall(_head("/api/sessions", 1000))
        started = time.monotonic()
        answer = b""
        while time.monotonic() - started < PATIENCE:
            try:
                s.sendall(b" ")  # one byte every tenth of a second: far below the pace
            except OSError:
                break
            time.sleep(0.1)
            s.setblocking(False)
            try:
                answer += s.recv(65536)
            except BlockingIOError:
                pass
            finally:
                s.setblocking(True)
            if answer:
                break
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert time.monotonic() - started < 3 * HEADER_TIMEOUT + 1


def test_a_body_sent_at_a_fair_pace_is_taken(server):
    url, _ = server
    body = b'{"dataset": "xor", "hidden": 3}' + b" " * 60_000
    with _connect(url) as s:
        s.sendall(_head("/api/sessions", len(body)))
        for i in range(0, len(body), 20_000):  # 20 kB every half second: 40 kB/s, above the pace
            s.sendall(body[i : i + 20_000])
            time.sleep(0.5)
        s.settimeout(PATIENCE)
        assert s.recv(65536).startswith(b"HTTP/1.1 201")


def test_stalled_bodies_past_the_bound_are_503_and_memory_stays_bounded(server):
    url, proc = server
    before = rss_bytes(proc.pid)
    sockets: list[socket.socket] = []
    refused = 0
    try:
        for _ in range(40):  # 40 x 1.9 MB = 76 MB asked for, against a bound of 8 MB
            s = _connect(url)
            sockets.append(s)
            s.sendall(_head("/api/sessions", 2_000_000))
            with contextlib.suppress(OSError):  # refused and closed while sending
                s.sendall(b"[" + b" " * (BODY - 1))
        grown = rss_bytes(proc.pid) - before
        assert httpx.get(f"{url}/healthz", timeout=PATIENCE).status_code == 200  # others are served
        for s in sockets:
            answer = _closes(s)
            if answer.startswith(b"HTTP/1.1 503"):
                refused += 1
                assert b"retry-after: 2" in answer.lower()
            else:
                assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:80]
    finally:
        for s in sockets:
            s.close()
    assert refused >= 30  # at most about IN_FLIGHT / BODY held: the rest refused
    assert grown < IN_FLIGHT + 48 * 2**20, f"grew by {grown / 2**20:.0f} MiB"
    # every body let go: the bound is whole again for the next ones
    assert httpx.post(f"{url}/api/sessions", json={}, timeout=PATIENCE).status_code == 201
