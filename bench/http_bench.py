"""(c) the HTTP step endpoint against /healthz under wrk: requests/s and latency percentiles."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.server import Server
from bench.stats import median

STEP_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"n": 1}'
wrk.headers["Content-Type"] = "application/json"
"""
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, p50 and p99 in ms and the failed answers from `wrk --latency` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "failed": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }


def wrk(url: str, seconds: int, connections: int, script: str | None = None) -> dict:
    # One wrk thread: the server is one process on one core, and the other core is wrk's.
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", script]
    done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 30, check=True)
    return parse_wrk(done.stdout)


def step_vs_healthz(server: Server, rounds: int, seconds: int, connections: int) -> dict:
    """Alternating wrk runs on /healthz and on the step endpoint of a (2, 16, 1) session."""
    sid = server.new_session(dataset="xor", hidden=16, alpha_A=0.01, alpha_B=0.01)
    runs: dict[str, list[dict]] = {"healthz": [], "step": []}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "step.lua"
        script.write_text(STEP_SCRIPT)
        for _ in range(rounds):
            runs["healthz"].append(wrk(f"{server.url}/healthz", seconds, connections))
            step_url = f"{server.url}/api/sessions/{sid}/step"
            runs["step"].append(wrk(step_url, seconds, connections, str(script)))
    out = {}
    for name, results in runs.items():
        out[name] = {key: median([r[key] for r in results]) for key in ("rps", "p50_ms", "p99_ms")} | {
            "failed": sum(r["failed"] for r in results),
            "rounds": [r["rps"] for r in results],
        }
    return out
