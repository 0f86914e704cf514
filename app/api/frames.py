"""Play mode's frames: the state, a compact trace and the new losses, rounded for the page.

A frame goes out up to 60 times a second to every playing page, so it carries
only what the page cannot derive (grad_A, grad_B, A_before and B_before follow
from the rest), and its numbers go out as float32: about seven significant
digits where the page shows four, printed in their shortest form.
"""

from __future__ import annotations

import numpy as np
import orjson

from ..sessions.base import Session
from ..sessions.numbers import round_significant

# The trace's arrays that a frame carries, in the order they are sent.
ARRAYS = ("s", "y", "psi", "x", "theta", "y_hat", "dL_dy_hat", "df_B", "delta_B", "df_A", "delta_A", "A", "B")
_NUMPY = orjson.OPT_SERIALIZE_NUMPY
MOMENTS = ("m_A", "v_A", "m_B", "v_B")  # Adam's, when it is the optimizer: the page shows its update


def step_answer(session: Session, trace: dict, losses: np.ndarray) -> bytes:
    """A step call's answer, {"state", "trace", "losses"}: the state without A and B, which the
    trace carries (app/sessions/run.py's `encode`)."""
    body = {"state": session.state(weights=False), "trace": session.shown_trace(trace), "losses": losses}
    return orjson.dumps(body, option=_NUMPY)


def play_frame(session: Session, trace: dict, losses: np.ndarray) -> bytes:
    """A play frame of the session after its steps (app/sessions/run.py's `encode`)."""
    return frame(session.state(weights=False), session.shown_trace(trace), losses)


def frame(state: dict, trace: dict, losses: np.ndarray) -> bytes:
    """The JSON text of one frame: {"type": "frame", "state", "trace", "losses"}.

    float32 costs one cast per array; a value beyond float32's range (1e38, only
    near divergence) would print as null, and then the frame is made again with
    each value rounded to app/sessions/numbers.py's DIGITS significant digits in float64 instead.
    """
    with np.errstate(over="ignore"):
        data = _frame(state, trace, losses, _to_float32, np.float32)
    if b"null" in data:
        data = _frame(state, trace, losses, round_significant, _round_scalar)
    return data


def _to_float32(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float32)


def _frame(state: dict, trace: dict, losses: np.ndarray, rounded, rounded_scalar) -> bytes:
    compact = {"index": trace["index"]} | {name: rounded(trace[name]) for name in ARRAYS}
    compact["loss"] = rounded_scalar(trace["loss"])
    if "transition" in trace:
        compact |= _td_parts(trace, rounded, rounded_scalar)
    if "tiles" in trace:
        compact["tiles"] = trace["tiles"]  # the tile coder's active features: which rows B gives
    if "adam" in trace:
        adam = trace["adam"]
        compact["adam"] = {"t": adam["t"]} | {name: rounded(adam[name]) for name in MOMENTS}
    body = {
        "type": "frame",
        "state": _state(state, rounded_scalar),
        "trace": compact,
        "losses": rounded(losses),
    }
    return orjson.dumps(body, option=_NUMPY)


def _td_parts(trace: dict, rounded, rounded_scalar) -> dict:
    """TD and control mode's additions to the trace: the move, S' and the parts of the target."""
    out = {"transition": trace["transition"], "s_next": rounded(trace["s_next"])}
    if "v_next" in trace:
        out["v_next"] = rounded_scalar(trace["v_next"])
    if "q_next" in trace:
        out["q_next"] = rounded(trace["q_next"])
    if "episode" in trace:
        out["episode"] = trace["episode"]
    return out


def _state(state: dict, rounded_scalar) -> dict:
    out = state | {"dataset_loss": rounded_scalar(state["dataset_loss"])}
    if "rmsve" in state:
        out["rmsve"] = rounded_scalar(state["rmsve"])
        # No episode under way is left out, not sent as null: a null means an overflow above.
        if out.get("episode", 0) is None:
            del out["episode"]
    return out


def _round_scalar(value: float) -> float:
    return round_significant(np.array(value)).item()
