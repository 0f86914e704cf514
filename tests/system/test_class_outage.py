"""A class while Redis is away: a student's answer is answered with an error, never a dropped
socket, and the same socket's answer counts once Redis is back."""

from __future__ import annotations

import json
import time

import httpx
from websockets.sync.client import connect

from tests.live_server import live_server
from tests.redis_server import redis_server


def _until(ws, kind: str) -> dict:
    while (got := json.loads(ws.recv(timeout=15)))["type"] != kind:
        pass
    return got


def test_an_answer_while_redis_is_away_is_an_error_and_the_socket_goes_on():
    with redis_server(appendonly=True) as redis, live_server(REDIS_URL=redis.url) as app:
        ws_url = app.url.replace("http://", "ws://")
        with httpx.Client(base_url=app.url, timeout=30) as http:
            sid = http.post("/api/sessions", json={}).json()["id"]
            made = http.post("/api/classes", json={"session": sid}).json()
            http.post(f"/api/sessions/{sid}/step", json={"n": 1})  # a step the class has seen
        with (
            connect(f"{ws_url}/api/classes/{made['code']}/teacher") as teacher,
            connect(f"{ws_url}/api/classes/{made['code']}/student?student=outage-student-1") as student,
        ):
            _until(student, "snapshot")
            teacher.send(json.dumps({"type": "hello", "key": made["teacher_key"]}))
            teacher.send(json.dumps({"type": "quiz", "target": "delta_B", "index": [0]}))
            _until(teacher, "done")
            _until(student, "quiz")
            redis.stop()
            student.send(json.dumps({"type": "answer", "value": 0.5}))
            error = _until(student, "error")
            assert "Redis" in error["message"]
            redis.start()
            deadline = time.monotonic() + 15
            while True:
                student.send(json.dumps({"type": "answer", "value": 0.25}))
                got = json.loads(student.recv(timeout=15))
                if got["type"] == "answered":
                    break
                assert got["type"] == "error" and time.monotonic() < deadline, got
                time.sleep(0.2)
            assert got == {"type": "answered", "value": 0.25}
