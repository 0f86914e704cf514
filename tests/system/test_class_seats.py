"""A class's seats over real sockets from several loopback addresses: one address holding every
seat gives up its excess to the students of another, and one student id holds one socket."""

from __future__ import annotations

import contextlib
import json
import socket
import time

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.limits import CLASS_HEARTBEAT_SECONDS
from tests.live_server import live_server


def _from(address: str, url: str, path: str):
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), source_address=(address, 0), timeout=10)
    return connect(url.replace("http://", "ws://") + path, sock=sock, open_timeout=10)


def _closed_with(ws, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            ws.recv(timeout=deadline - time.monotonic())
    except ConnectionClosed as e:
        return e.rcvd.code if e.rcvd else None
    except TimeoutError:
        return None
    return None


@pytest.fixture
def a_class():
    with live_server(MAX_CLASS_SIZE="4") as (url, _):
        with httpx.Client(base_url=url, timeout=10) as http:
            sid = http.post("/api/sessions", json={}).json()["id"]
            code = http.post("/api/classes", json={"session": sid}).json()["code"]
        yield url, code


def _path(code: str, student: str) -> str:
    return f"/api/classes/{code}/student?student={student}"


def test_one_address_holding_every_seat_makes_room_for_another(a_class):
    url, code = a_class
    with contextlib.ExitStack() as stack:
        hog = [stack.enter_context(_from("127.0.0.2", url, _path(code, f"hog-seat-{i}"))) for i in range(4)]
        for ws in hog:
            assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        got = []
        for i in range(3):
            ws = stack.enter_context(_from("127.0.0.3", url, _path(code, f"real-student-{i}")))
            try:
                got.append(json.loads(ws.recv(timeout=10))["type"])
            except ConnectionClosed as e:
                got.append(e.rcvd.code)
        assert got == ["snapshot", "snapshot", 1013]  # 4-0, 3-1, then 2-2: even
        closed = [_closed_with(ws, CLASS_HEARTBEAT_SECONDS + 3) for ws in hog]
        assert sorted(closed, key=str) == [4409, 4409, None, None]


def test_one_student_id_holds_one_socket(a_class):
    url, code = a_class
    with _from("127.0.0.2", url, _path(code, "same-student-id")) as first:
        assert json.loads(first.recv(timeout=10))["type"] == "snapshot"
        with _from("127.0.0.3", url, _path(code, "same-student-id")) as second:
            assert json.loads(second.recv(timeout=10))["type"] == "snapshot"
            assert _closed_with(first, 5) == 4409
            assert _closed_with(second, 1) is None
