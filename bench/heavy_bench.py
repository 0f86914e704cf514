"""(f) No call blocks others: /healthz and a one-step call, idle and while the heaviest calls
the budgets allow run, of every kind, from processes of their own (retrying on 429), so
that the measuring client shares its interpreter with none of them."""

from __future__ import annotations

import multiprocessing
import time

import httpx

from bench.server import Server
from bench.stats import percentile

HEAVY = [
    {"hidden": 256, "data": {"s": [[0.1] * 300, [0.2] * 300], "y": [[0.0], [1.0]]}},
    # D as large as a request body may carry: the data a worker is sent with each call
    {"hidden": 8, "data": {"s": [[0.1] * 150] * 2000, "y": [[0.5]] * 2000}},
    {"dataset": "circle", "optimizer": "adam"},
    {"environment": {"states": 19}},
    {"environment": {"states": 1, "target": "mc"}},
    {"environment": {"states": 1000, "target": "mc"}, "hidden": 20},
]


def hammer(url: str, config: dict, stop, answered) -> None:
    """The largest calls a session of `config` allows, until `stop`; answers of 200 counted."""
    with httpx.Client(base_url=url, timeout=30) as c:
        made = c.post("/api/sessions", json=config).json()
        sid, n = made["id"], made["limits"]["max_steps"]
        while not stop.is_set():
            r = c.post(f"/api/sessions/{sid}/step", json={"n": n})
            if r.status_code == 200:
                with answered.get_lock():
                    answered.value += 1
            elif r.status_code == 422:  # the estimate has learned this kind's cost: ask again
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
        ctx = multiprocessing.get_context("spawn")
        stop, answered = ctx.Event(), ctx.Value("i", 0)
        hammers = [ctx.Process(target=hammer, args=(server.url, cfg, stop, answered)) for cfg in HEAVY]
        for p in hammers:
            p.start()
        time.sleep(3.0)  # the hammers have started and made their sessions
        busy = _latencies(c, sid, seconds)
        stop.set()
        for p in hammers:
            p.join()
    return {"idle": idle, "heavy": busy, "heavy_calls": answered.value}
