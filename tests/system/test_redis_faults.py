"""Redis that is there but does not serve: hung (its port takes connections, nothing answers)
or full (maxmemory reached with noeviction).

Hung: every request that touches it is a 503 with a message and Retry-After within about
STORE_REPLY_SECONDS (the bound below is a correctness bound, not a benchmark: one timeout
tried again took 4 s, and requests waiting for one session took 4, 8 and 14 s), a refused
change is not made after all when Redis wakes up, and service resumes by itself.

Full: the sessions can still be read and exported, a change is a 503 saying the store is
full and changes nothing, and /readyz says so; once memory is freed all is as before.
"""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import redis as redis_client
from websockets.sync.client import connect

from app.limits import STORE_REPLY_SECONDS
from app.sessions.redis_link import RECHECK_SECONDS
from tests.live_server import app_servers, live_server
from tests.redis_server import redis_server

BOUND = STORE_REPLY_SECONDS + 1.5  # the promised time and room for a slow machine


def _until(ws, kind: str) -> dict:
    while (got := json.loads(ws.recv(timeout=15)))["type"] != kind:
        pass
    return got


def _timed(request) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    answer = request()
    return answer, time.monotonic() - started


def _refused(answer: httpx.Response, words: str) -> None:
    assert answer.status_code == 503, answer.text
    assert words in answer.json()["message"], answer.text
    assert int(answer.headers["Retry-After"]) >= 1


def test_a_hung_redis_is_a_503_within_about_two_seconds_and_changes_nothing():
    with (
        redis_server() as redis,
        live_server(REDIS_URL=redis.url) as app,
        httpx.Client(base_url=app.url, timeout=30) as http,
    ):
        sid = http.post("/api/sessions", json={}).json()["id"]
        made = http.post("/api/classes", json={"session": sid}).json()
        assert http.post(f"/api/sessions/{sid}/step", json={"n": 3}).status_code == 200  # the class sees it
        code, ws_url = made["code"], app.url.replace("http://", "ws://")
        with (
            connect(f"{ws_url}/api/classes/{code}/teacher") as teacher,
            connect(f"{ws_url}/api/classes/{code}/student?student=hung-1") as student,
        ):
            _until(student, "snapshot")
            teacher.send(json.dumps({"type": "hello", "key": made["teacher_key"]}))
            teacher.send(json.dumps({"type": "quiz", "target": "delta_B", "index": [0]}))
            _until(teacher, "done")
            _until(student, "quiz")
            os.kill(redis.pid, signal.SIGSTOP)
            try:
                for request in (
                    lambda: http.post(f"/api/sessions/{sid}/step", json={}),  # a change, on a copy here
                    lambda: http.get(f"/api/sessions/{sid}"),  # a load and its touch
                    lambda: http.post(f"/api/sessions/{sid}/step", json={}),  # a load, then a save
                    lambda: http.get(f"/api/sessions/{sid}/export"),
                    lambda: http.post("/api/sessions", json={}),  # the per-client limit, then the store
                    lambda: http.get(f"/c/{code}"),  # the limit on code misses, then the registry
                ):
                    time.sleep(RECHECK_SECONDS)  # each meets the silence itself, not the last one's timeout
                    answer, seconds = _timed(request)
                    _refused(answer, "Redis")
                    assert seconds < BOUND, f"{answer.request.url}: {seconds:.1f} s"
                time.sleep(RECHECK_SECONDS)
                # Requests at once on one session: each waits for the one before it here.
                with ThreadPoolExecutor(3) as pool:
                    asked = [
                        pool.submit(_timed, lambda: httpx.post(f"{app.url}/api/sessions/{sid}/step", json={}))
                        for _ in range(3)
                    ]
                    for answer, seconds in (f.result() for f in asked):
                        _refused(answer, "Redis")
                        assert seconds < BOUND, f"at once: {seconds:.1f} s"
                time.sleep(RECHECK_SECONDS)
                ready, seconds = _timed(lambda: http.get("/readyz"))
                assert ready.status_code == 503 and "Redis" in ready.json()["message"]
                assert seconds < BOUND, f"/readyz: {seconds:.1f} s"
                started = time.monotonic()
                student.send(json.dumps({"type": "answer", "value": 0.5}))
                assert "Redis" in _until(student, "error")["message"]
                assert time.monotonic() - started < BOUND, "a student's answer"
            finally:
                os.kill(redis.pid, signal.SIGCONT)
            deadline = time.monotonic() + 10
            while http.get("/readyz").status_code != 200:
                assert time.monotonic() < deadline, "the app did not see Redis answer again"
                time.sleep(0.1)
            # The steps refused while Redis was hung were not applied when it woke up.
            answer = http.post(f"/api/sessions/{sid}/step", json={})
            assert answer.status_code == 200 and answer.json()["state"]["step"] == 4
            while True:  # the socket goes on: its answer counts once Redis answers again
                student.send(json.dumps({"type": "answer", "value": 0.25}))
                got = json.loads(student.recv(timeout=15))
                if got["type"] == "answered":
                    break
                assert got["type"] == "error" and time.monotonic() < deadline, got
                time.sleep(0.2)
            assert got == {"type": "answered", "value": 0.25}


def test_a_full_redis_serves_reads_refuses_changes_and_readyz_says_full():
    with (
        redis_server() as redis,
        app_servers(2, REDIS_URL=redis.url) as (one, other),
        httpx.Client(timeout=30) as http,
        redis_client.Redis.from_url(redis.url) as direct,
    ):
        sid = http.post(f"{one.url}/api/sessions", json={}).json()["id"]
        assert http.post(f"{one.url}/api/sessions/{sid}/step", json={"n": 3}).status_code == 200
        exported = http.get(f"{one.url}/api/sessions/{sid}/export").json()
        direct.config_set("maxmemory-policy", "noeviction")
        direct.set("filler", b"x" * 2**23)
        # Past maxmemory: Redis refuses every write from now on, until the filler goes.  4 MB
        # under what it uses: its own buffers come and go by more than a megabyte.
        direct.config_set("maxmemory", direct.info("memory")["used_memory"] - 2**22)
        with pytest.raises(redis_client.exceptions.OutOfMemoryError):
            direct.set("probe", 1)
        # Reads, by the process that holds a copy and by one that makes it afresh.
        for app in (one, other):
            read = http.get(f"{app.url}/api/sessions/{sid}")
            assert read.status_code == 200 and read.json()["state"]["step"] == 3, read.text
            export = http.get(f"{app.url}/api/sessions/{sid}/export")
            assert export.status_code == 200 and export.json() == exported
        # Changes are refused, saying why, and change nothing.
        for app in (one, other):
            for path in (f"/api/sessions/{sid}/step", f"/api/sessions/{sid}/reset", "/api/sessions"):
                _refused(http.post(app.url + path, json={}), "full")
            ready = http.get(f"{app.url}/readyz")
            assert ready.status_code == 503 and "full" in ready.json()["message"], ready.text
        assert http.get(f"{other.url}/api/sessions/{sid}/export").json() == exported
        direct.delete("filler")
        for app in (one, other):
            assert http.get(f"{app.url}/readyz").status_code == 200
        answer = http.post(f"{other.url}/api/sessions/{sid}/step", json={})
        assert answer.status_code == 200 and answer.json()["state"]["step"] == 4
