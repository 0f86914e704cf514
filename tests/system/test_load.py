"""Load and faults against the real server on loopback: bounded in count and time, never timed."""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.live_server import live_server, rss_bytes

MAX_SESSIONS = 500
MEMORY_BOUND = 64 * 2**20  # growth allowed while 20,000 sessions come and go


@pytest.fixture(scope="module")
def server():
    # One address makes every session here: its rate and share of the store are not what is tested.
    with live_server(MAX_SESSIONS=str(MAX_SESSIONS), CREATE_BURST="100000", CLIENT_SHARE="1") as (url, proc):
        yield url, proc


def test_tens_of_thousands_of_sessions_stay_within_a_memory_bound(server):
    url, proc = server
    configs = [{}, {"dataset": "circle", "hidden": 16}, {"dataset": "sine", "hidden": 8}]

    def create(n: int) -> list[str]:
        with httpx.Client(base_url=url, timeout=30) as c:
            return [c.post("/api/sessions", json=configs[i % 3]).json()["id"] for i in range(n)]

    create(2 * MAX_SESSIONS)  # the store is full and the allocator warm
    before = rss_bytes(proc.pid)
    with ThreadPoolExecutor(4) as pool:
        ids = [i for chunk in pool.map(create, [5000] * 4) for i in chunk]
    after = rss_bytes(proc.pid)
    assert len(ids) == 20_000
    assert after - before < MEMORY_BOUND, f"grew by {(after - before) / 2**20:.1f} MiB"
    newest = create(1)[0]  # the four threads' own last ones were made in no set order
    with httpx.Client(base_url=url) as c:
        # the oldest are gone, the newest are there
        assert c.get(f"/api/sessions/{ids[0]}").status_code == 404
        assert c.get(f"/api/sessions/{newest}").status_code == 200


def test_fifty_clients_stepping_one_session_lose_no_step(server):
    url, _ = server
    sid = httpx.post(f"{url}/api/sessions", json={"dataset": "circle", "hidden": 8}).json()["id"]
    ok = []
    lock = threading.Lock()

    def client(k: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as c:
            for i in range(10):
                n = 1 + (k + i) % 7
                r = c.post(f"/api/sessions/{sid}/step", json={"n": n})
                if r.status_code == 200:
                    with lock:
                        ok.append(n)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ok) == 500
    state = httpx.get(f"{url}/api/sessions/{sid}").json()["state"]
    assert state["step"] == sum(ok)


def test_clients_that_vanish_mid_request_leave_nothing_behind(server):
    url, proc = server
    host, port = url.removeprefix("http://").split(":")
    sid = httpx.post(f"{url}/api/sessions", json={}).json()["id"]
    before = rss_bytes(proc.pid)
    for i in range(200):
        with socket.create_connection((host, int(port)), timeout=5) as s:
            head = (
                f"POST /api/sessions/{sid}/step HTTP/1.1\r\nHost: {host}\r\n"
                "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            )
            s.sendall(head.encode() + b'{"n": ' + str(i).encode())  # and then hang up
    # the session is not locked, not changed, and the server still answers
    state = httpx.get(f"{url}/api/sessions/{sid}").json()["state"]
    assert state["step"] == 0
    r = httpx.post(f"{url}/api/sessions/{sid}/step", json={"n": 3}, timeout=10)
    assert r.status_code == 200 and r.json()["state"]["step"] == 3
    assert rss_bytes(proc.pid) - before < 16 * 2**20
