"""Runs exported sessions on in this process and writes what they end with: the subprocess of
tests/model/test_every_kernel.py, started under one OPENBLAS_CORETYPE or another.

    python -m tests.model.kernel_run STEPS < documents.json > results.json
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np
import orjson

from app import model
from app.sessions.documents import SessionDocument, export_document, import_document


def control() -> str:
    """BLAS products of the kind the model no longer makes: their bits differ from one kernel
    to another, which shows that the kernel asked for is the one at work."""
    rng = np.random.default_rng(0)
    a, M, v = rng.standard_normal(10_001), rng.standard_normal((257, 129)), rng.standard_normal(257)
    products = [np.array([a.dot(a[::-1])]), v @ M, M.T @ M]
    return hashlib.sha256(b"".join(p.tobytes() for p in products)).hexdigest()


def ended(doc: bytes, steps: int) -> dict:
    """The document's run taken `steps` steps further: its export, its state, and its network's
    outputs over a grid of inputs (a forward pass of many rows at once)."""
    session = import_document(SessionDocument.model_validate_json(doc), "k")
    taken = 0
    while taken < steps:
        n = min(steps - taken, session.max_steps())
        session.take_steps(n)
        taken += n
    n_s = session.n_s
    S = model.with_bias(np.linspace(-2.0, 2.0, 41 * n_s).reshape(41, n_s), session.net.bias)
    return {
        "export": export_document(session),
        "state": session.public()["state"],
        "outputs": model.forward(S, session.A, session.B, session.net)["y_hat"],
    }


def main() -> None:
    steps = int(sys.argv[1])
    docs = orjson.loads(sys.stdin.buffer.read())
    out = {"control": control(), "runs": [ended(orjson.dumps(doc), steps) for doc in docs]}
    sys.stdout.buffer.write(orjson.dumps(out, option=orjson.OPT_SERIALIZE_NUMPY))


if __name__ == "__main__":
    main()
