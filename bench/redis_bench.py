"""(g) sessions in Redis: the step endpoint of (c) under wrk with MemoryStore, with RedisStore,
and with RedisStore on two workers, in one run; and the server CPU a step costs, in the app
and in Redis.

The three servers run side by side, each stepping http_bench.SESSIONS sessions of its own; the
two on Redis share one redis-server, started here on a free loopback port and stopped after.
The rounds take the servers in turn (memory, redis, redis ×2, memory, ...), so the machine's
drift meets all three alike.  CPU is user + system time from /proc over each wrk run: the
app's summed over the server's processes (with WORKERS=2 the supervisor and its workers),
Redis's of the redis-server process, each divided by the steps answered in that run.
"""

from __future__ import annotations

import contextlib
import shutil

from bench.http_bench import step_script, summarize, wrk, wrk_available
from bench.server import Server, running_server
from bench.stats import median, process_cpu_seconds, tree_cpu_seconds
from tests.redis_server import INSTALL, REDIS_SERVER, redis_server

# name -> (what the report calls it, uses Redis, workers)
CONTENDERS = {
    "memory": ("MemoryStore, 1 worker", False, 1),
    "redis": ("RedisStore, 1 worker", True, 1),
    "redis2": ("RedisStore, `WORKERS=2`", True, 2),
}
WARM_UP_SECONDS = 2  # one run per server before the rounds, not kept: connections, caches


def missing() -> str | None:
    """What to install before (g) can run, or None."""
    if not wrk_available():
        return "wrk is not installed (bash scripts/system-deps.sh wrk)"
    if not shutil.which(REDIS_SERVER):
        return f"redis-server is not installed ({INSTALL})"
    return None


def _env(name: str, url: str) -> dict[str, str | None]:
    _, uses_redis, workers = CONTENDERS[name]
    return {"REDIS_URL": url if uses_redis else None, "WORKERS": str(workers)}


def _run(server: Server, script: str, redis_pid: int, seconds: int, connections: int) -> dict:
    """One wrk run on the step endpoint, with the CPU the app and Redis spent on each step answered."""
    app, redis = tree_cpu_seconds(server.pid), process_cpu_seconds(redis_pid)
    got = wrk(f"{server.url}/", seconds, connections, script)
    app, redis = tree_cpu_seconds(server.pid) - app, process_cpu_seconds(redis_pid) - redis
    steps = max(1, got["requests"] - got["failed"])
    return got | {"app_us": app / steps * 1e6, "redis_us": redis / steps * 1e6}


def memory_vs_redis(rounds: int, seconds: int, connections: int) -> dict:
    """Per contender: medians over the rounds of requests/s, p50, p99 and CPU µs a step."""
    runs: dict[str, list[dict]] = {name: [] for name in CONTENDERS}
    budget = 120 + (WARM_UP_SECONDS + rounds * (seconds + 5)) * len(CONTENDERS)
    with redis_server() as redis, contextlib.ExitStack() as stack:
        servers, scripts = {}, {}
        for name in CONTENDERS:
            servers[name] = stack.enter_context(running_server(budget, _env(name, redis.url)))
            scripts[name] = stack.enter_context(step_script(servers[name]))
        for name in CONTENDERS:
            wrk(f"{servers[name].url}/", min(WARM_UP_SECONDS, seconds), connections, scripts[name])
        for _ in range(rounds):
            for name in CONTENDERS:
                runs[name].append(_run(servers[name], scripts[name], redis.pid, seconds, connections))
    out = {}
    for name, results in runs.items():
        uses_redis = CONTENDERS[name][1]
        out[name] = summarize(results) | {
            "app_us": median([r["app_us"] for r in results]),
            # without Redis, what redis-server spends meanwhile is its idle cost, not this server's
            "redis_us": median([r["redis_us"] for r in results]) if uses_redis else 0.0,
        }
    return out
