"""Backprop checked against finite differences at the point of a session's next step.

The point is the current weights and the sample the next step will use, so the check
changes nothing; the next step's trace carries the very gradient checked here (with
update_order "backprop"; "slides" order reads the updated B for delta_A on purpose).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .. import model
from ..limits import GRADCHECK_MAX_WEIGHTS
from .errors import InputError

H = 1e-3  # the stencil's step (app/model/gradcheck.py says why it can be this large)
# ASCII digits, no leading zero: one spelling per weight (\d would take "B.٣.0" and "B.01.0").
WEIGHT = re.compile(r"(A|B)\.(0|[1-9][0-9]{0,6})\.(0|[1-9][0-9]{0,6})")
# The trace's entries a derivation walks: the forward pass and every factor of the chain rule.
FACTORS = ("psi", "x", "theta", "y_hat", "loss", "dL_dy_hat", "df_B", "delta_B", "df_A", "delta_A")
FORWARD = FACTORS[:5]  # the forward pass a diagram shows before the step


def _point(session) -> tuple[int, object, object, object, dict]:
    i, s, y = session._next_sample()
    # The true gradient: every delta from the weights before any update.
    net = replace(session.net, update_order="backprop")
    return i, s, y, net, model.step(s, y, session.A, session.B, net)


def forward(session) -> dict:
    """The next step's sample and forward pass (psi, x, theta, y_hat, loss), changing nothing."""
    i, _s, _y, _net, trace = _point(session)
    return {"index": i, **{k: trace[k] for k in FORWARD}}


def whole(session) -> dict:
    """Every weight's backprop gradient beside its central-difference estimate."""
    if session.n_weights > GRADCHECK_MAX_WEIGHTS:
        raise InputError(
            "hidden",
            f"gradcheck works on networks of at most {GRADCHECK_MAX_WEIGHTS} weights; "
            f"this one has {session.n_weights}",
        )
    i, s, y, net, trace = _point(session)
    num_A, num_B = model.numerical_gradients(s, y, session.A, session.B, net, H)
    return {
        "index": i, "s": s, "y": y, "h": H,
        "grad_A": trace["grad_A"], "grad_B": trace["grad_B"],
        "numeric_grad_A": num_A, "numeric_grad_B": num_B,
        "max_rel_error": max(
            model.relative_error(trace["grad_A"], num_A), model.relative_error(trace["grad_B"], num_B)
        ),
    }  # fmt: skip


def parse_weight(weight: str, A, B) -> tuple[str, int, int]:
    """'B.1.0' as ("B", 1, 0), or an InputError naming `weight` and what exists."""
    m = WEIGHT.fullmatch(weight)
    if m is None:
        example = "e.g. B.0.0 or A.1.2"
        raise InputError("weight", f"must name a weight as matrix.row.column, {example}, not {weight[:40]!r}")
    name, row, column = m.group(1), int(m.group(2)), int(m.group(3))
    rows, columns = (A if name == "A" else B).shape
    if row >= rows or column >= columns:
        raise InputError(
            "weight",
            f"{name} has rows 0 to {rows - 1} and columns 0 to {columns - 1} (bias row last); "
            f"{name}.{row}.{column} does not exist",
        )
    return name, row, column


def one(session, weight: str) -> dict:
    """One weight's backprop gradient, its central-difference estimate and the factors behind it."""
    name, row, column = parse_weight(weight, session.A, session.B)
    i, s, y, net, trace = _point(session)
    backprop = float(trace["grad_" + name][row, column])
    numeric = model.numerical_gradient(s, y, session.A, session.B, net, name, (row, column), H)
    return {
        "weight": f"{name}.{row}.{column}", "matrix": name, "row": row, "column": column,
        "index": i, "s": s, "y": y, "h": H,
        "backprop": backprop, "numeric": numeric,
        "rel_error": model.relative_error(trace["grad_" + name][row:row + 1, column:column + 1], numeric),
        "value": float((session.A if name == "A" else session.B)[row, column]),
        "trace": {k: trace[k] for k in FACTORS},
    }  # fmt: skip
