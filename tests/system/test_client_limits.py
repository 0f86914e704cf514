"""Per-client limits hold across replicas: with Redis, two app processes share one bucket per
client address, so a client gets CREATE_BURST sessions in all, not that many from each."""

from __future__ import annotations

import httpx

from tests.live_server import app_servers


def test_the_creation_limit_holds_across_two_replicas(fresh_redis):
    env = {"REDIS_URL": fresh_redis.url, "CREATE_BURST": "3", "CREATE_PER_SECOND": "0.01"}
    with app_servers(2, **env) as (a, b), httpx.Client(trust_env=False, timeout=15) as http:
        got = [http.post(f"{server.url}/api/sessions", json={}).status_code for server in (a, b) * 3]
        misses = [http.get(f"{server.url}/c/AAAAAA").status_code for server in (a, b) * 11]
    assert got == [201, 201, 201, 429, 429, 429]
    assert misses.count(404) == 20 and misses[20:] == [429, 429]  # code misses too
