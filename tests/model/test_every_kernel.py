"""The same export continues to the same bits under every OpenBLAS kernel: each run is taken
20,000 steps further in subprocesses under OPENBLAS_CORETYPE Prescott (SSE3, no fused
multiply-add), Haswell (AVX2 and FMA) and SkylakeX (AVX-512; on a CPU without it, where that
kernel cannot run, Sandybridge: AVX without FMA), and what each ends with is compared byte for
byte: the exported document (weights, Adam's moments, the generator, the loss history), the
state (the mean loss over D, TD's RMSVE from the walk's true values) and a forward pass over
a grid.  BLAS products in the same subprocesses come out different, so each kernel was at work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from app.sessions import ConfigIn, new_session
from app.sessions.documents import export_document

ROOT = Path(__file__).resolve().parents[2]
STEPS = 20_000
CONFIGS = {
    "xor, ReLU, SGD's fast path": {"dataset": "xor", "seed": 3},
    "sine, 16 sigmoid units, shuffled": {
        "dataset": "sine", "hidden": 16, "f_A": "sigmoid", "order": "shuffle",
    },
    "two outputs, 64 tanh units, sigmoid f_B, the slides' order": {
        "dataset": "hand", "hidden": 64, "f_A": "tanh", "f_B": "sigmoid", "loss": "squared",
        "update_order": "slides", "alpha_A": 0.05, "alpha_B": 0.05,
    },
    "two outputs, Adam": {
        "dataset": "hand", "hidden": 8, "optimizer": "adam", "alpha_A": 0.01, "alpha_B": 0.01,
    },
    "8 inputs, 4 outputs": {
        "data": {"s": [[(i * j % 7) / 7 - 0.5 for j in range(8)] for i in range(12)],
                 "y": [[(i + k) % 3 / 2 for k in range(4)] for i in range(12)]},
        "hidden": 32, "alpha_A": 0.02, "alpha_B": 0.02,
    },
    "TD, 1000 states, moves of up to 100, aggregated": {
        "environment": {"states": 1000, "jump": 100, "features": "aggregate"}, "hidden": 8, "seed": 5,
    },
}  # fmt: skip


def third_kernel() -> str:
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    return "SkylakeX" if " avx512f" in flags else "Sandybridge"


def documents() -> list[dict]:
    """Each config's run a few steps in, exported: the documents every kernel continues."""
    docs = []
    for name, config in CONFIGS.items():
        session = new_session(name, ConfigIn(**config))
        session.take_steps(7)
        docs.append(orjson.loads(orjson.dumps(export_document(session), option=orjson.OPT_SERIALIZE_NUMPY)))
    return docs


def under(kernel: str, docs: list[dict]) -> dict:
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.model.kernel_run", str(STEPS)],
        input=orjson.dumps(docs),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, (kernel, done.stderr.decode()[-3000:])
    return orjson.loads(done.stdout)


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    docs = documents()
    return {kernel: under(kernel, docs) for kernel in ("Prescott", "Haswell", third_kernel())}


def test_each_kernel_was_at_work(results):
    # Prescott's kernels add with separate multiplies and SSE3's two lanes; the others use
    # wider registers (and Haswell's and SkylakeX's fused multiply-adds): other bits.
    controls = {kernel: result["control"] for kernel, result in results.items()}
    others = [control for kernel, control in controls.items() if kernel != "Prescott"]
    assert all(control != controls["Prescott"] for control in others), controls


@pytest.mark.parametrize("n", range(len(CONFIGS)), ids=list(CONFIGS))
def test_every_kernel_ends_the_run_in_the_same_bits(results, n):
    ends = {kernel: orjson.dumps(result["runs"][n]) for kernel, result in results.items()}
    first = next(iter(ends.values()))
    assert all(end == first for end in ends.values()), {k: len(v) for k, v in ends.items()}
    run = orjson.loads(first)
    assert run["state"]["step"] == 7 + STEPS and not run["state"]["diverged"]
