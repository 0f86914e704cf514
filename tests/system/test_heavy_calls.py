"""No call blocks others: while the heaviest calls the budgets allow run, of every kind,
/healthz and a one-step call on another session still answer with a p99 of 50 ms.

A real server on loopback; the heavy calls come from threads of their own, each
retrying when the server answers 429 (its worker threads are busy)."""

from __future__ import annotations

import threading
import time

import httpx

from bench.heavy_bench import HEAVY, hammer
from tests.live_server import live_server

SECONDS = 6.0


def _p99(times: list[float]) -> float:
    times = sorted(times)
    return times[min(len(times) - 1, int(0.99 * len(times)))]


def test_health_and_a_single_step_stay_quick_while_the_heaviest_calls_run():
    with live_server(CREATE_BURST="1000") as (url, _), httpx.Client(base_url=url, timeout=30) as c:
        light = c.post("/api/sessions", json={}).json()["id"]
        stop, counts = threading.Event(), {}
        threads = [threading.Thread(target=hammer, args=(url, cfg, stop, counts)) for cfg in HEAVY]
        for t in threads:
            t.start()
        time.sleep(1.0)  # every kind under way
        health, step = [], []
        end = time.monotonic() + SECONDS
        while time.monotonic() < end:
            t0 = time.perf_counter()
            assert c.get("/healthz").status_code == 200
            t1 = time.perf_counter()
            assert c.post(f"/api/sessions/{light}/step", json={"n": 1}).status_code == 200
            health.append(t1 - t0)
            step.append(time.perf_counter() - t1)
            time.sleep(0.01)
        stop.set()
        for t in threads:
            t.join()
    assert counts.get(200, 0) >= 2, counts  # heavy calls really ran (two at a time, at most)
    assert set(counts) <= {200, 422, 429} and counts.get(422, 0) <= 3 * len(HEAVY), counts
    assert _p99(health) <= 0.050, f"/healthz p99 {_p99(health) * 1000:.1f} ms over {len(health)}"
    assert _p99(step) <= 0.050, f"one step p99 {_p99(step) * 1000:.1f} ms over {len(step)}"
