"""(d) play mode for a lecture hall and (e) the bytes of a frame.

`clients` WebSocket clients, each on its own (2, 16, 1) session, ask for `rate`
frames a second and read them for `seconds` after a warm-up.  Measured per
client: frames a second and the gaps between frames; for the server: its CPU
time over the window, from /proc, as a share of one core.
"""

from __future__ import annotations

import asyncio
import time

import numpy as np
import orjson
from websockets.asyncio.client import connect

from app.api import frames
from app.sessions import ConfigIn, new_session
from bench.server import Server
from bench.stats import median, percentile, process_cpu_seconds

WARM_UP = 1.0
# Offer permessage-deflate as browsers do (the server declines it).
COMPRESSION = "deflate"


async def _client(url: str, rate: int, start: float, end: float, record: dict) -> None:
    async with connect(url, max_queue=None, compression=COMPRESSION) as ws:
        await ws.send(orjson.dumps({"rate": rate, "steps_per_frame": 1}).decode())
        while True:
            message = await ws.recv()
            now = time.monotonic()
            if now >= end:
                return
            if now >= start and message.startswith('{"type":"frame"'):
                record["arrivals"].append(now)
                record["bytes"].append(len(message.encode()))


async def _lecture_hall(urls: list[str], rate: int, seconds: float, pid: int) -> tuple:
    begin = time.monotonic()
    start, end = begin + WARM_UP, begin + WARM_UP + seconds
    records = [{"arrivals": [], "bytes": []} for _ in urls]
    tasks = [asyncio.create_task(_client(u, rate, start, end, r)) for u, r in zip(urls, records, strict=True)]
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    cpu_start, client_start = process_cpu_seconds(pid), time.process_time()
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    server_cpu = (process_cpu_seconds(pid) - cpu_start) / seconds
    client_cpu = (time.process_time() - client_start) / seconds
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    return records, server_cpu, client_cpu


def lecture_hall(server: Server, clients: int, rate: int, seconds: float) -> dict:
    config = {"dataset": "xor", "hidden": 16, "alpha_A": 0.01, "alpha_B": 0.01}
    sessions = [server.new_session(**config) for _ in range(clients)]
    ws_url = server.url.replace("http://", "ws://")
    urls = [f"{ws_url}/api/sessions/{sid}/play" for sid in sessions]
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    records, server_cpu, client_cpu = runner(_lecture_hall(urls, rate, seconds, server.pid))
    per_client = [len(r["arrivals"]) / seconds for r in records]
    gaps_ms = [(b - a) * 1e3 for r in records for a, b in zip(r["arrivals"], r["arrivals"][1:], strict=False)]
    sizes = [n for r in records for n in r["bytes"]]
    return {
        "clients": clients,
        "rate": rate,
        "seconds": seconds,
        "fps_median": median(per_client),
        "fps_min": min(per_client),
        "gap_p50_ms": percentile(gaps_ms, 50),
        "gap_p99_ms": percentile(gaps_ms, 99),
        "server_cpu": server_cpu,
        "client_cpu": client_cpu,
        "bytes_median": median(sizes) if sizes else float("nan"),
        "bytes_max": max(sizes) if sizes else 0,
    }


def frame_bytes(sizes: list[tuple[int, int, int]]) -> list[dict]:
    """(e): bytes of one frame after some training, at 1 and 10 steps per frame, per network size."""
    out = []
    for n_s, n_x, n_y in sizes:
        rng = np.random.default_rng(0)
        data = {"s": rng.uniform(-1, 1, (64, n_s)).tolist(), "y": rng.uniform(-1, 1, (64, n_y)).tolist()}
        session = new_session("bench", ConfigIn(data=data, hidden=n_x, alpha_A=0.01, alpha_B=0.01))
        session.take_steps(1000)
        row = {"size": (n_s, n_x, n_y)}
        for n in (1, 10):
            trace, losses = session.take_steps(n)
            row[n] = len(frames.frame(session.state(weights=False), trace, losses))
        out.append(row)
    return out
