"""The benchmarks' smoke run: every part of `make bench` still runs.  No timing is checked."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.redis_server import REDIS_SERVER

ROOT = Path(__file__).resolve().parents[2]


def test_bench_smoke_run_writes_a_report(tmp_path):
    # (c) and (g) need wrk, and (g) a redis-server: never skipped, install them
    for tool in ("wrk", REDIS_SERVER):
        if not shutil.which(tool):
            pytest.fail(f"the benchmark needs {tool}; install it with:  make system-deps", pytrace=False)
    out = tmp_path / "BENCHMARKS.md"
    command = [sys.executable, "-m", "bench", "--smoke", "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    text = out.read_text()
    assert "| target | this run | wanted | met |" in text
    for part in (
        "## (a)",
        "## (b)",
        "## (c)",
        "## (d)",
        "## (e)",
        "## (f)",
        "## (g)",
        "## (h)",
        "## (i)",
        "## (j)",
        "## (k)",
    ):
        assert part in text
    assert "| the course's tile coder |" in text and "| the network, replay 4, Q-learning |" in text, text
    assert "## (j) A lesson: students following the teacher's stops" in text, text
    assert "| goto → stop p50, p99 | view → view p50, p99 | p99 ratio |" in text, text
    assert "| (g) step throughput, RedisStore / MemoryStore, one worker |" in text, text
    assert "| RedisStore, `WORKERS=2` |" in text, text
    assert "| (h) first load: bytes on the wire |" in text, text  # the page, in Chromium: never skipped
    assert "| (2,16,1) |" in text, text
