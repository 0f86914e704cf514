"""(c) the HTTP step endpoint against /healthz under wrk: requests/s and latency percentiles."""

from __future__ import annotations

import contextlib
import math
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from bench.server import Server
from bench.stats import median

# Each request steps the next of the sessions, in turn: a class, not one learner.
STEP_SCRIPT = """
ids = {%s}
counter = 0
request = function()
  counter = counter + 1
  local path = "/api/sessions/" .. ids[(counter %% #ids) + 1] .. "/step"
  return wrk.format("POST", path, {["Content-Type"] = "application/json"}, '{"n": 1}')
end
"""
# wrk's latency histogram (µs: answers) at the end of a run, for rounds pooled from several runs
HISTOGRAM_SCRIPT = """
done = function(summary, latency, requests)
  local parts = {}
  for i = 1, #latency do
    local us, count = latency(i)
    parts[#parts + 1] = string.format("%d:%d", us, count)
  end
  io.write("histogram ", table.concat(parts, " "), "\\n")
end
"""
SESSIONS = 50
STEP_CONFIG = {"dataset": "xor", "hidden": 16, "alpha_A": 0.01, "alpha_B": 0.01}  # (2, 16, 1)
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, answers, p50 and p99 in ms and the failed answers from `wrk --latency` output."""
    answered = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "requests": answered,
        "p50_ms": p50,
        "p99_ms": p99,
        "failed": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> dict:
    """One wrk run; with a script that ends in HISTOGRAM_SCRIPT, its latency histogram too."""
    # One wrk thread: the server is one process on one core, and the other core is wrk's.
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", script]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True)
    out = parse_wrk(done.stdout)
    if "\nhistogram " in done.stdout:
        out["histogram"] = histogram(done.stdout)
    return out


@contextlib.contextmanager
def step_script(server: Server) -> Iterator[str]:
    """wrk's script that steps SESSIONS new (2, 16, 1) sessions of `server` in turn, in a temporary file."""
    sids = [server.new_session(**STEP_CONFIG) for _ in range(SESSIONS)]
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "step.lua"
        script.write_text(STEP_SCRIPT % ", ".join(f'"{sid}"' for sid in sids) + HISTOGRAM_SCRIPT)
        yield str(script)


def summarize(results: list[dict]) -> dict:
    """Medians over the rounds of one contender, each round's figures, and all failed answers."""
    return {key: median([r[key] for r in results]) for key in ("rps", "p50_ms", "p99_ms")} | {
        "failed": sum(r["failed"] for r in results),
        "rounds": [r["rps"] for r in results],
        "p99_rounds": [r["p99_ms"] for r in results],
    }


SLICE_SECONDS = 1  # healthz and the step take turns this often within a round


def histogram(output: str) -> Counter:
    """The latencies (µs) and their counts that HISTOGRAM_SCRIPT printed."""
    line = re.search(r"^histogram (.*)$", output, re.M).group(1)
    return Counter({int(us): int(n) for us, n in (pair.split(":") for pair in line.split())})


def quantile_ms(latencies: Counter, q: float) -> float:
    """The q-quantile (0..1) of a latency histogram, in ms: the least latency at or below
    which a share q of the answers lie."""
    total, seen = sum(latencies.values()), 0
    for us in sorted(latencies):
        seen += latencies[us]
        if seen >= q * total:
            return us / 1000
    return math.nan


def pooled(slices: list[dict]) -> dict:
    """One round's figures from its slices: requests/s over their time, percentiles of all answers."""
    latencies = sum((s["histogram"] for s in slices), Counter())
    return {
        "rps": sum(s["requests"] for s in slices) / sum(s["requests"] / s["rps"] for s in slices),
        "requests": sum(s["requests"] for s in slices),
        "p50_ms": quantile_ms(latencies, 0.50),
        "p99_ms": quantile_ms(latencies, 0.99),
        "failed": sum(s["failed"] for s in slices),
    }


def step_vs_healthz(server: Server, rounds: int, seconds: int, connections: int) -> dict:
    """/healthz and the step endpoint of SESSIONS (2, 16, 1) sessions under wrk, `seconds` each a round.

    Within a round the two take turns every SLICE_SECONDS, in the order h s s h h s ..., and each
    one's percentiles are those of all its answers in the round.  A machine's own slow spells
    (another tenant of the host, the other core's load) then fall on both alike, instead of
    on whichever happened to run through them: the ratio of the two tails is the app's.
    """
    runs: dict[str, list[dict]] = {"healthz": [], "step": []}
    with step_script(server) as script, tempfile.TemporaryDirectory() as tmp:
        health = Path(tmp) / "healthz.lua"
        health.write_text(HISTOGRAM_SCRIPT)
        urls = {"healthz": (f"{server.url}/healthz", str(health)), "step": (f"{server.url}/", script)}
        slices = max(1, round(seconds / SLICE_SECONDS))
        for _ in range(rounds):
            got: dict[str, list[dict]] = {"healthz": [], "step": []}
            for k in range(slices):
                order = ("healthz", "step") if k % 2 == 0 else ("step", "healthz")
                for name in order:
                    url, lua = urls[name]
                    got[name].append(wrk(url, min(seconds, SLICE_SECONDS), connections, lua))
            for name in runs:
                runs[name].append(pooled(got[name]))
    out = {name: summarize(results) for name, results in runs.items()}
    # the tail every learner feels, round by round: the step's p99 against /healthz's beside it
    out["p99_ratios"] = [
        s["p99_ms"] / h["p99_ms"] for h, s in zip(runs["healthz"], runs["step"], strict=True)
    ]
    return out


# ---------------------------------------------------------------- where a request's time goes


async def _call(app, method: str, path: str, body: bytes = b"") -> list[dict]:
    """One request straight into the ASGI app, with no server or socket around it."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80), "state": {},
        "headers": [(b"host", b"bench"), (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
    }  # fmt: skip
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict] = []

    async def receive() -> dict:
        return messages.pop() if messages else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


def in_process(rounds: int, calls: int) -> dict:
    """CPU µs per request inside the app (no HTTP server): /healthz, the step, and the step's parts."""
    import asyncio

    import orjson

    from app.api.json import FastJSON
    from app.main import create_app

    app = create_app()
    config = orjson.dumps(STEP_CONFIG)

    async def measure() -> dict[str, list[float]]:
        created = await _call(app, "POST", "/api/sessions", config)
        sid = orjson.loads(created[1]["body"])["id"]
        session = app.state.store.get(sid)
        times: dict[str, list[float]] = {"healthz": [], "step": [], "take_steps": [], "encode": []}
        for _ in range(rounds):
            start = time.process_time()
            for _ in range(calls):
                await _call(app, "GET", "/healthz")
            times["healthz"].append(time.process_time() - start)
            start = time.process_time()
            for _ in range(calls):
                await _call(app, "POST", f"/api/sessions/{sid}/step", b'{"n": 1}')
            times["step"].append(time.process_time() - start)
            start = time.process_time()
            for _ in range(calls):
                trace, losses = session.take_steps(1)
            times["take_steps"].append(time.process_time() - start)
            start = time.process_time()
            for _ in range(calls):
                FastJSON({"state": session.state(weights=False), "trace": trace, "losses": losses})
            times["encode"].append(time.process_time() - start)
        return times

    times = asyncio.run(measure())
    return {name: median(t) / calls * 1e6 for name, t in times.items()}
