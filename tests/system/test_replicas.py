"""Sessions in a real Redis, served by several real app processes behind the deployment's nginx.

Any replica serves any session: steps of one session alternate between replicas, steps
sent at once to all of them are neither lost nor doubled, a restart of every process
loses nothing, and a Redis that goes away is a 503 with a message until it is back.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.live_server import ROOT, LiveServer, free_port, live_server
from tests.nginx_server import nginx_server
from tests.redis_server import RedisServer, redis_server


@contextlib.contextmanager
def replicas(redis: RedisServer, ports: list[int]) -> Iterator[list[LiveServer]]:
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(live_server(port=p, REDIS_URL=redis.url)) for p in ports]


def _http() -> httpx.Client:
    return httpx.Client(trust_env=False, timeout=15)


def test_any_replica_serves_any_session_and_concurrent_steps_are_neither_lost_nor_doubled(redis):
    ports = [free_port() for _ in range(3)]
    with replicas(redis, ports) as apps, nginx_server([a.address for a in apps]) as nginx, _http() as http:
        sid = http.post(f"{nginx.url}/api/sessions", json={"dataset": "circle", "order": "shuffle"}).json()[
            "id"
        ]
        # one at a time, through nginx: each step continues from the one before, wherever it ran
        steps = [
            http.post(f"{nginx.url}/api/sessions/{sid}/step", json={}).json()["state"]["step"]
            for _ in range(9)
        ]
        assert steps == list(range(1, 10))
        served = [r.upstreams[-1] for r in nginx.requests(at_least=10) if r.path.endswith("/step")]
        assert len(set(served)) == 3 and all(a != b for a, b in zip(served, served[1:], strict=False)), served

        # a twin in this process's memory takes the same 9 steps: the trace must be the one
        # a single process would have computed
        with live_server() as alone:
            twin = http.post(
                f"{alone.url}/api/sessions", json={"dataset": "circle", "order": "shuffle"}
            ).json()
            for _ in range(9):
                last = http.post(f"{alone.url}/api/sessions/{twin['id']}/step", json={}).json()
        mine = http.get(f"{nginx.url}/api/sessions/{sid}/export").json()
        assert mine["run"]["step"] == 9 and len(mine["history"]) == 9
        assert mine["run"]["A"] == last["trace"]["A"] and mine["run"]["B"] == last["trace"]["B"]

        # 50 steps at once, straight to the three replicas in turn
        def step(i: int) -> int:
            with _http() as c:
                r = c.post(f"{apps[i % 3].url}/api/sessions/{sid}/step", json={})
                assert r.status_code in (200, 429), r.text
                return r.json()["state"]["step"] if r.status_code == 200 else -1

        with ThreadPoolExecutor(16) as pool:
            answered = [s for s in pool.map(step, range(50)) if s > 0]
        final = http.get(f"{nginx.url}/api/sessions/{sid}").json()["state"]["step"]
        assert len(answered) >= 45, answered  # a 429 only when a change was redone too often
        assert sorted(answered) == list(range(10, 10 + len(answered))), sorted(answered)  # none doubled
        assert final == 9 + len(answered)  # none lost


def test_a_restart_of_every_process_continues_every_session(redis):
    ports = [free_port() for _ in range(2)]
    with _http() as http:
        with replicas(redis, ports) as apps:
            sid = http.post(
                f"{apps[0].url}/api/sessions", json={"dataset": "sine", "optimizer": "adam"}
            ).json()["id"]
            td = http.post(f"{apps[1].url}/api/sessions", json={"environment": {"target": "mc"}}).json()["id"]
            for app in apps:
                for s in (sid, td):
                    assert http.post(f"{app.url}/api/sessions/{s}/step", json={"n": 25}).status_code == 200
            before = {s: http.get(f"{apps[0].url}/api/sessions/{s}/export").json() for s in (sid, td)}
            for app in apps:
                app.proc.send_signal(signal.SIGKILL)
        with replicas(redis, ports) as apps:
            for s in (sid, td):
                assert http.get(f"{apps[1].url}/api/sessions/{s}/export").json() == before[s]
                after = http.post(f"{apps[0].url}/api/sessions/{s}/step", json={}).json()
                assert after["state"]["step"] == 51
            # the next step is the one the run would have taken: the same as its document's twin
            twin = http.post(f"{apps[1].url}/api/sessions/import", json=before[sid]).json()["id"]
            again = http.post(f"{apps[1].url}/api/sessions/{twin}/step", json={}).json()
            mine = http.get(f"{apps[0].url}/api/sessions/{sid}/export").json()
            assert mine["run"]["A"] == again["trace"]["A"]


def test_redis_away_is_a_503_with_a_message_and_service_comes_back_by_itself():
    with redis_server(appendonly=True) as redis, live_server(REDIS_URL=redis.url) as app, _http() as http:
        sid = http.post(f"{app.url}/api/sessions", json={}).json()["id"]
        assert http.post(f"{app.url}/api/sessions/{sid}/step", json={"n": 3}).status_code == 200
        assert http.get(f"{app.url}/readyz").json()["status"] == "ok"
        redis.stop()
        started = time.monotonic()
        for request in (
            lambda: http.post(f"{app.url}/api/sessions/{sid}/step", json={}),
            lambda: http.get(f"{app.url}/api/sessions/{sid}"),
            lambda: http.post(f"{app.url}/api/sessions", json={}),
        ):
            r = request()
            assert r.status_code == 503 and "Redis" in r.json()["message"], r.text
            assert int(r.headers["Retry-After"]) >= 1
        assert time.monotonic() - started < 15  # each well within the store's timeouts
        ready = http.get(f"{app.url}/readyz")
        assert ready.status_code == 503 and "Redis" in ready.json()["message"]
        assert http.get(f"{app.url}/healthz").status_code == 200  # alive, only not ready
        redis.start()
        deadline = time.monotonic() + 10
        while http.get(f"{app.url}/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the app did not see Redis come back"
            time.sleep(0.1)
        r = http.post(f"{app.url}/api/sessions/{sid}/step", json={})
        assert r.status_code == 200 and r.json()["state"]["step"] == 4  # the append-only file kept it


def test_several_workers_need_redis_and_share_its_sessions(redis):
    env = {**os.environ, "WORKERS": "2", "PORT": str(free_port())}
    env.pop("REDIS_URL", None)
    alone = subprocess.run(
        [sys.executable, "-m", "app", "--no-browser"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert alone.returncode != 0 and "WORKERS=2 needs REDIS_URL" in alone.stderr
    with live_server(WORKERS="2", REDIS_URL=redis.url) as app, _http() as http:
        sid = http.post(f"{app.url}/api/sessions", json={}).json()["id"]
        # new connections land on either worker: every step continues the one before
        for expected in range(1, 21):
            with _http() as fresh:
                r = fresh.post(f"{app.url}/api/sessions/{sid}/step", json={})
            assert r.json()["state"]["step"] == expected


@pytest.fixture
def redis(fresh_redis):  # noqa: F811 (this module's tests share one redis-server, emptied for each)
    return fresh_redis


def _descendants(pid: int) -> set[int]:
    """Every process under `pid`, from /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/stat") as f:
                parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_killed_server_leaves_no_worker_process_behind():
    with live_server() as app:
        workers = _descendants(app.proc.pid)
        assert len(workers) >= 2, workers  # the pool's processes, started with the server
        app.proc.send_signal(signal.SIGKILL)
        app.proc.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in workers if _alive(p)], "worker processes outlived their server"
