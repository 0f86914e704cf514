"""The store counts what a session holds, and the server's memory follows the count.

The largest sessions the limits allow, made on a real server: its resident memory grows
by at most 3x their counted bytes, and the store refuses to pass MAX_STORE_BYTES.
"""

from __future__ import annotations

import httpx
import orjson
import pytest

from app.limits import MAX_BODY_BYTES, MAX_HIDDEN, MAX_INPUTS, MAX_WEIGHTS
from app.sessions import ConfigIn, new_session
from tests.live_server import live_server, rss_bytes

SESSIONS = 12


def _largest_data() -> dict:
    """D as large as one request body carries: 2000 rows of short numbers."""
    rows, n_s = 2000, 230
    s = [[(i * 7 + j) % 10 / 10 for j in range(n_s)] for i in range(rows)]
    y = [[(i % 10) / 10] for i in range(rows)]
    return {"data": {"s": s, "y": y}, "hidden": 4}


def _largest_network() -> dict:
    """As many weights as a network may have, with Adam's four moments beside them."""
    n_s = MAX_INPUTS
    hidden = min(MAX_HIDDEN, (MAX_WEIGHTS - 1) // (n_s + 2))
    s = [[(j % 5) / 5 for j in range(n_s)] for _ in range(2)]
    return {"data": {"s": s, "y": [[0.0], [1.0]]}, "hidden": hidden, "optimizer": "adam"}


@pytest.mark.parametrize("make", [_largest_data, _largest_network], ids=["data", "weights"])
def test_memory_per_session_stays_within_three_times_its_counted_bytes(make):
    config = make()
    body = orjson.dumps(config)
    assert len(body) <= MAX_BODY_BYTES
    counted = new_session("count", ConfigIn(**config)).nbytes()
    with (
        live_server(MAX_SESSIONS="1000", CREATE_BURST="1000") as (url, proc),
        httpx.Client(base_url=url) as c,
    ):
        headers = {"content-type": "application/json"}
        warm = c.post("/api/sessions", content=body, headers=headers)  # the allocator's first growth
        assert warm.status_code == 201, warm.text
        before = rss_bytes(proc.pid)
        for _ in range(SESSIONS):
            r = c.post("/api/sessions", content=body, headers=headers)
            assert r.status_code == 201
            c.post(f"/api/sessions/{r.json()['id']}/step", json={"n": 1})
        grown = (rss_bytes(proc.pid) - before) / SESSIONS
    assert counted > 500_000  # these are large sessions: the count is not mostly overhead
    assert grown <= 3 * counted, (
        f"{grown / 2**20:.1f} MiB a session against {counted / 2**20:.1f} MiB counted"
    )


def test_the_store_stays_within_its_bytes():
    config = _largest_data()
    counted = new_session("count", ConfigIn(**config)).nbytes()
    limit = 5 * counted + counted // 2  # room for five
    env = {"MAX_STORE_BYTES": str(limit), "CLIENT_SHARE": "1", "SESSION_IN_USE_SECONDS": "0"}
    with live_server(**env) as (url, _), httpx.Client(base_url=url) as c:
        ids = [c.post("/api/sessions", json=config).json()["id"] for _ in range(8)]
        alive = [sid for sid in ids if c.get(f"/api/sessions/{sid}").status_code == 200]
    assert alive == ids[-5:]  # the least recently used made room
