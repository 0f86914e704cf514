"""The HTTP edge of the real server (`python -m app`) over real sockets on loopback:
a request's head bounded in size and in time, idle sockets by the thousand, and the
Origin of a WebSocket."""

from __future__ import annotations

import contextlib
import os
import resource
import select
import socket
import time

import httpx
import pytest
from pydantic import ValidationError
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from app.limits import MAX_HEADER_BYTES
from app.settings import Settings
from tests.live_server import live_server

HEADER_TIMEOUT = 1.0  # seconds, for these tests: short, so that they are quick
PATIENCE = 10.0  # seconds a test waits for the server before it calls the server stuck


@pytest.fixture(scope="module")
def server():
    with live_server(HEADER_TIMEOUT_SECONDS=str(HEADER_TIMEOUT)) as (url, proc):
        yield url, proc


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    s = socket.create_connection((host, int(port)), timeout=PATIENCE)
    return s


def _read_until_closed(s: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a timeout fails the test)."""
    parts = []
    while chunk := s.recv(65536):
        parts.append(chunk)
    return b"".join(parts)


def _read_answer(s: socket.socket, buffer: bytes = b"") -> tuple[bytes, bytes]:
    """One answer's status line, and what came after the answer."""
    while b"\r\n\r\n" not in buffer:
        chunk = s.recv(65536)
        assert chunk, f"closed before an answer came; had {buffer[:80]!r}"
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = next(int(line.split(b":")[1]) for line in lines if line.lower().startswith(b"content-length:"))
    while len(rest) < length:
        chunk = s.recv(65536)
        assert chunk, "closed in the middle of an answer"
        rest += chunk
    return lines[0], rest[length:]


def _answered(s: socket.socket) -> bool:
    """Whether the server has sent something (or closed): a client sending slowly looks first."""
    return bool(select.select([s], [], [], 0)[0])


def _closes(s: socket.socket) -> bytes:
    try:
        return _read_until_closed(s)
    except TimeoutError:
        pytest.fail(f"the server kept the connection open for {PATIENCE} s")
    except ConnectionResetError:
        return b""


def test_twenty_kib_of_headers_is_431_and_the_connection_closed(server):
    url, _ = server
    with _connect(url) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 20 * 1024 + b"\r\n\r\n")
        answer = _closes(s)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:80]
    assert f"limited to {MAX_HEADER_BYTES} bytes".encode() in answer and b'"message":"headers: ' in answer


def test_many_small_headers_over_the_limit_are_431(server):
    url, _ = server
    headers = b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(200))  # ~22 KiB in all
    with _connect(url) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
        assert _closes(s).startswith(b"HTTP/1.1 431 ")


def test_a_header_that_never_ends_is_431_once_past_the_limit(server):
    # The parser keeps an unfinished header in a buffer of its own: it must not grow for ever.
    url, _ = server
    with _connect(url) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ")
        sent = 0
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            while sent < 1024 * 1024 and not _answered(s):
                s.sendall(b"a" * 1024)
                sent += 1024
                time.sleep(0.001)  # a read each, as a slow client sends them
        assert sent < 2 * MAX_HEADER_BYTES + 256 * 1024, sent
        assert _closes(s).startswith(b"HTTP/1.1 431 ")


def test_headers_under_the_limit_are_answered(server):
    url, _ = server
    r = httpx.get(f"{url}/healthz", headers={f"x-h{i}": "v" * 100 for i in range(100)})  # ~11 KiB
    assert r.status_code == 200


def test_half_a_request_line_and_then_nothing_is_closed(server):
    url, _ = server
    with _connect(url) as s:
        s.sendall(b"GET /heal")
        answer = _closes(s)
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:80]
    assert f"within {HEADER_TIMEOUT:g} s".encode() in answer


def test_a_connection_that_sends_nothing_is_closed(server):
    url, _ = server
    with _connect(url) as s:
        assert _closes(s) == b""


def test_a_trickled_head_after_a_first_request_is_closed(server):
    # Kept alive after a response, the connection gives the next head the same deadline.
    url, _ = server
    with _connect(url) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_answer(s)[0] == b"HTTP/1.1 200 OK"
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for _ in range(int(PATIENCE / 0.2)):
                if _answered(s):
                    break
                s.sendall(b"X: y\r\n")  # a header every 0.2 s, for ever
                time.sleep(0.2)
        assert _closes(s).startswith(b"HTTP/1.1 408 ")


def test_requests_being_answered_are_not_cut_off_by_the_deadline():
    # The deadline is for heads only.  Three pipelined steps, each many times the deadline:
    # the connection is kept while they are answered, one after the other, and after them.
    with live_server(HEADER_TIMEOUT_SECONDS="0.02") as (url, _):
        _three_long_steps_pipelined(url)


def _three_long_steps_pipelined(url: str) -> None:
    made = httpx.post(f"{url}/api/sessions", json={"hidden": 1}).json()
    # A fifth of the largest call: the budget may shrink as the server learns from these very
    # calls (by up to 5x), and a fifth of CALL_SECONDS is still many times the deadline.
    sid, n = made["id"], max(1, made["limits"]["max_steps"] // 5)
    body = b'{"n": %d}' % n
    step = (
        b"POST /api/sessions/%s/step HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (sid.encode(), len(body), body)
    )
    with _connect(url) as s:
        s.settimeout(60)
        s.sendall(step * 3)
        rest = b""
        for _ in range(3):
            status, rest = _read_answer(s, rest)
            assert status == b"HTTP/1.1 200 OK", status
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_answer(s, rest)[0] == b"HTTP/1.1 200 OK"
    assert httpx.get(f"{url}/api/sessions/{sid}").json()["state"]["step"] == 3 * n


IDLE = 1100  # more than the 1024 open files many systems give a process at first


def test_the_server_answers_with_a_thousand_idle_sockets_open():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert hard >= IDLE + 200, f"this test needs {IDLE + 200} open files; the hard limit is {hard}"
    # The server starts with a soft limit of 1024, as on many systems; the test itself
    # needs more, for its own end of every socket.
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, hard))
    try:
        server = live_server(HEADER_TIMEOUT_SECONDS="30")
        url, proc = server.__enter__()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    idle: list[socket.socket] = []
    try:
        for i in range(IDLE):
            s = _connect(url)
            if i % 2:
                s.sendall(b"GET /heal")  # half a request line; the others send nothing
            idle.append(s)
        deadline = time.monotonic() + PATIENCE
        while len(os.listdir(f"/proc/{proc.pid}/fd")) < IDLE and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(os.listdir(f"/proc/{proc.pid}/fd")) >= IDLE, "the server does not hold the sockets"
        with httpx.Client(base_url=url, timeout=PATIENCE) as c:
            for _ in range(5):
                assert c.get("/healthz").json() == {"status": "ok"}
            sid = c.post("/api/sessions").json()["id"]
            assert c.post(f"/api/sessions/{sid}/step", json={"n": 3}).json()["state"]["step"] == 3
    finally:
        for s in idle:
            s.close()
        server.__exit__(None, None, None)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_websocket_from_another_origin_is_403_and_from_the_page_plays(server):
    url, _ = server
    host = url.removeprefix("http://")
    sid = httpx.post(f"{url}/api/sessions").json()["id"]
    play = f"ws://{host}/api/sessions/{sid}/play"
    with pytest.raises(InvalidStatus) as refused:
        connect(play, origin="http://elsewhere.example", open_timeout=PATIENCE)
    assert refused.value.response.status_code == 403
    assert b"Origin: " in refused.value.response.body
    for origin in (f"http://{host}", None):  # the page itself, and a client that is no browser
        with connect(play, origin=origin, open_timeout=PATIENCE) as ws:
            assert b'"type":"frame"' in ws.recv(timeout=PATIENCE).encode()


def test_the_header_deadline_a_deployment_may_set_is_at_most_thirty_seconds():
    assert Settings(header_timeout_seconds=30).header_timeout_seconds == 30
    with pytest.raises(ValidationError, match="header_timeout_seconds"):
        Settings(header_timeout_seconds=31)
    with pytest.raises(ValidationError, match="max_header_bytes"):
        Settings(max_header_bytes=100)
