"""Student pages that never read what they are sent, on the real server over real sockets: each
is dropped once it leaves its messages unread for SOCKET_SEND_SECONDS, and all of them together
hold at most SNAPSHOT_BYTES_IN_FLIGHT of snapshots (once, each held a large session's)."""

from __future__ import annotations

import json
import socket
import time

import httpx
from websockets.sync.client import connect

from tests.live_server import live_server

SEND_SECONDS = 1.0
NON_READERS = 16
ROWS, INPUTS = 2000, 120  # a data session whose snapshot is several megabytes


def _peak_rss(pid: int) -> int:
    """The process's highest resident memory so far (VmHWM), in bytes."""
    with open(f"/proc/{pid}/status") as f:
        line = next(line for line in f if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def _non_reader(url: str, path: str) -> socket.socket:
    """A WebSocket handshake, then nothing read: a page stuck behind a dead network."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window, set before connecting
    sock.connect((host, int(port)))
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)  # byte by byte: nothing after the head is taken
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def _joined(teacher) -> int:
    while True:
        got = json.loads(teacher.recv(timeout=10))
        if got["type"] == "roster":
            return got["joined"]


def test_pages_that_never_read_are_dropped_and_hold_a_bounded_number_of_snapshots():
    env = {"SOCKET_SEND_SECONDS": str(SEND_SECONDS), "MAX_BODY_BYTES": "20000000"}
    with live_server(**env, SNAPSHOT_BYTES_IN_FLIGHT="1024") as (url, proc):
        data = {"s": [[0.123456789 + i * 1e-6] * INPUTS for i in range(ROWS)], "y": [[0.5]] * ROWS}
        with httpx.Client(base_url=url, timeout=30) as http:
            sid = http.post("/api/sessions", json={"data": data, "hidden": 2}).json()["id"]
            started = http.post("/api/classes", json={"session": sid}).json()
        code = started["code"]
        ws_url = url.replace("http://", "ws://")
        with connect(f"{ws_url}/api/classes/{code}/teacher", open_timeout=10, max_size=None) as teacher:
            teacher.send(json.dumps({"type": "hello", "key": started["teacher_key"]}))
            with connect(f"{ws_url}/api/classes/{code}/student?student=first-reader", max_size=None) as ws:
                snapshot = ws.recv(timeout=30)  # encoded once, kept: the others get the same bytes
                assert json.loads(snapshot)["type"] == "snapshot" and len(snapshot) > 3_000_000
                assert json.loads(ws.recv(timeout=10))["type"] == "synced"
            before = _peak_rss(proc.pid)
            stuck = [
                _non_reader(url, f"/api/classes/{code}/student?student=stuck-{i:04d}")
                for i in range(NON_READERS)
            ]
            try:
                # Every page that does not read is let go within about SOCKET_SEND_SECONDS of its
                # turn (one snapshot at a time here), never holding its seat for long.
                deadline = time.monotonic() + NON_READERS * (SEND_SECONDS + 1) + 10
                seen = joined = _joined(teacher)
                while (joined or not seen) and time.monotonic() < deadline:
                    joined = _joined(teacher)
                    seen = max(seen, joined)
                assert joined == 0 and seen >= NON_READERS // 2
                grown = _peak_rss(proc.pid) - before
                # Unbounded, 16 pages held 16 snapshots of 3.2 MB at once (and their copies).
                assert grown < 6 * len(snapshot), grown
                # A student who reads still joins and gets the whole class.
                with connect(f"{ws_url}/api/classes/{code}/student?student=late-reader", max_size=None) as ws:
                    assert json.loads(ws.recv(timeout=30))["type"] == "snapshot"
            finally:
                for sock in stuck:
                    sock.close()
