"""Play mode's frames: the state, a compact trace and the new losses, rounded for the page.

A frame goes out up to 60 times a second to every playing page, so it carries
only what the page cannot derive (grad_A, grad_B, A_before and B_before follow
from the rest) and its numbers are rounded to DIGITS significant digits: the
page shows four, and each digit not sent is a byte saved per number.
"""

from __future__ import annotations

import numpy as np
import orjson

DIGITS = 6
# The trace's arrays that a frame carries, in the order they are sent.
ARRAYS = ("s", "y", "psi", "x", "theta", "y_hat", "dL_dy_hat", "df_B", "delta_B", "df_A", "delta_A", "A", "B")


def round_significant(a: np.ndarray, digits: int = DIGITS) -> np.ndarray:
    """a with each value rounded to `digits` significant digits, or to a whole number
    when it has more digits than that before the decimal point.

    A value is multiplied by the power of ten that brings its last kept digit to
    the units, rounded to a whole number and divided back.  Powers of ten up to
    1e22 are exact doubles, so for every value from 1e-17 up the result is the
    double nearest the rounded decimal, and JSON prints that decimal:
    0.1234567 becomes 0.123457, not 0.12345700000000001.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        exponent = np.floor(np.log10(np.abs(a) + 1e-300))  # 1e-300: log10(0) is finite
        scale = 10.0 ** np.maximum((digits - 1) - exponent, 0.0)
        return np.rint(a * scale) / scale


def frame(state: dict, trace: dict, losses: np.ndarray) -> bytes:
    """The JSON text of one frame: {"type": "frame", "state", "trace", "losses"}.

    All numbers are rounded in one pass over one flat vector: per array, the
    NumPy calls would cost more than the rounding.
    """
    arrays = [trace[name] for name in ARRAYS]
    scalars = np.array([trace["loss"], state["dataset_loss"]])
    flat = round_significant(np.concatenate([a.ravel() for a in arrays] + [losses, scalars]))
    compact: dict = {"index": trace["index"]}
    start = 0
    for name, a in zip(ARRAYS, arrays, strict=True):
        compact[name] = flat[start : start + a.size].reshape(a.shape)
        start += a.size
    compact["loss"] = float(flat[-2])
    body = {
        "type": "frame",
        "state": {**state, "dataset_loss": float(flat[-1])},
        "trace": compact,
        "losses": flat[start : start + len(losses)],
    }
    return orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY)
