"""The teacher's door across replicas: two app processes on one real Redis, students on real
sockets from several loopback addresses.  A drop closes every socket of that address on both
replicas at once (over the class's channel, well before a heartbeat), and a lock set on one
replica refuses new ids on the other while a known id gets back in."""

from __future__ import annotations

import contextlib
import json
import time

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.limits import CLASS_HEARTBEAT_SECONDS
from tests.live_server import app_servers
from tests.system.test_class_seats import _closed_with, _from


def _path(code: str, student: str) -> str:
    return f"/api/classes/{code}/student?student={student}"


@contextlib.contextmanager
def _teacher(url: str, cls: dict):
    with connect(
        url.replace("http://", "ws://") + f"/api/classes/{cls['code']}/teacher", open_timeout=10
    ) as ws:
        ws.send(json.dumps({"type": "hello", "key": cls["teacher_key"]}))
        yield ws


def _command(teacher, **message) -> dict:
    teacher.send(json.dumps(message))
    while True:
        got = json.loads(teacher.recv(timeout=10))
        if got["type"] in ("done", "error"):
            return got


def _roster(teacher, ok) -> dict:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        got = json.loads(teacher.recv(timeout=10))
        if got["type"] == "roster" and ok(got):
            return got
    raise AssertionError("no roster as wanted")


def _refused(url: str, address: str, path: str) -> int | None:
    with _from(address, url, path) as ws:
        try:
            ws.recv(timeout=10)
        except ConnectionClosed as e:
            return e.rcvd.code if e.rcvd else None
    return None


def test_drop_closes_an_addresss_sockets_on_both_replicas_and_a_lock_holds_on_both(fresh_redis):
    with (
        app_servers(2, REDIS_URL=fresh_redis.url) as (a, b),
        httpx.Client(trust_env=False, timeout=15) as http,
        contextlib.ExitStack() as stack,
    ):
        sid = http.post(f"{a.url}/api/sessions", json={}).json()["id"]
        cls = http.post(f"{a.url}/api/classes", json={"session": sid}).json()
        code = cls["code"]
        hogs = [
            stack.enter_context(_from("127.0.0.2", server.url, _path(code, f"hog-{server.url[-5:]}-{i}")))
            for server in (a, b)
            for i in range(2)
        ]
        students = [
            stack.enter_context(_from(address, server.url, _path(code, f"student-on-{address[-1]}")))
            for server, address in ((a, "127.0.0.3"), (b, "127.0.0.4"))
        ]
        for ws in hogs + students:
            assert json.loads(ws.recv(timeout=10))["type"] == "snapshot"
        teacher = stack.enter_context(_teacher(b.url, cls))
        roster = _roster(teacher, lambda r: r["joined"] == 6 and len(r["addresses"]) == 3)
        assert [g["seats"] for g in roster["addresses"]] == [4, 1, 1]
        assert "127.0.0." not in json.dumps(roster)

        assert _command(teacher, type="drop", address=roster["addresses"][0]["tag"])["type"] == "done"
        dropped = time.monotonic()
        assert [_closed_with(ws, 3) for ws in hogs] == [4410] * 4
        assert time.monotonic() - dropped < min(3.0, CLASS_HEARTBEAT_SECONDS)  # the channel, not a heartbeat
        assert [_closed_with(ws, 0.5) for ws in students] == [None, None]
        assert _roster(teacher, lambda r: r["joined"] == 2)["blocked"] == 1
        for server in (a, b):  # kept out on both, under any id
            assert _refused(server.url, "127.0.0.2", _path(code, "hog-new-id")) == 4410

        with _teacher(a.url, cls) as other:  # the lock, set on a, holds on b
            assert _command(other, type="lock")["type"] == "done"
        assert _refused(b.url, "127.0.0.4", _path(code, "a-stranger")) == 4423
        students[1].close()
        with _from("127.0.0.5", b.url, _path(code, "student-on-4")) as back:  # a known id: back in
            assert json.loads(back.recv(timeout=10))["type"] == "snapshot"
