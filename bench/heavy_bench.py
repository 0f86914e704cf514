"""(f) No call blocks others: /healthz and a one-step call, idle and while the heaviest calls
the budgets allow run, of every kind, from threads of their own (retrying on 429)."""

from __future__ import annotations

import threading
import time

import httpx

from bench.server import Server
from bench.stats import percentile

HEAVY = [
    {"hidden": 256, "data": {"s": [[0.1] * 300, [0.2] * 300], "y": [[0.0], [1.0]]}},
    {"dataset": "circle", "optimizer": "adam"},
    {"environment": {"states": 19}},
    {"environment": {"states": 1, "target": "mc"}},
    {"environment": {"states": 1000, "target": "mc"}, "hidden": 20},
]


def hammer(url: str, config: dict, stop: threading.Event, counts: dict) -> None:
    """The largest calls a session of `config` allows, until `stop`; answers counted by status."""
    with httpx.Client(base_url=url, timeout=30) as c:
        made = c.post("/api/sessions", json=config).json()
        sid, n = made["id"], made["limits"]["max_steps"]
        while not stop.is_set():
            r = c.post(f"/api/sessions/{sid}/step", json={"n": n})
            counts[r.status_code] = counts.get(r.status_code, 0) + 1
            if r.status_code == 422:  # the estimate has learned this kind's cost: ask again
                n = c.get(f"/api/sessions/{sid}").json()["limits"]["max_steps"]
            elif r.status_code == 429:
                time.sleep(0.05)


def _latencies(c: httpx.Client, sid: str, seconds: float) -> dict:
    health, step = [], []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        c.get("/healthz")
        t1 = time.perf_counter()
        c.post(f"/api/sessions/{sid}/step", json={"n": 1})
        health.append(t1 - t0)
        step.append(time.perf_counter() - t1)
        time.sleep(0.01)
    ms = 1e3
    return {
        "healthz_p50": percentile(health, 50) * ms, "healthz_p99": percentile(health, 99) * ms,
        "step_p50": percentile(step, 50) * ms, "step_p99": percentile(step, 99) * ms, "samples": len(health),
    }  # fmt: skip


def heavy_mix(server: Server, seconds: float) -> dict:
    """Latencies idle, then under the heaviest mix; and the heavy calls answered meanwhile."""
    with httpx.Client(base_url=server.url, timeout=30) as c:
        sid = c.post("/api/sessions", json={}).json()["id"]
        idle = _latencies(c, sid, seconds)
        stop, counts = threading.Event(), {}
        threads = [threading.Thread(target=hammer, args=(server.url, cfg, stop, counts)) for cfg in HEAVY]
        for t in threads:
            t.start()
        time.sleep(1.0)
        busy = _latencies(c, sid, seconds)
        stop.set()
        for t in threads:
            t.join()
    return {"idle": idle, "heavy": busy, "heavy_calls": counts.get(200, 0)}
