"""What a class sends its students: JSON objects whose first key is "type".

A broadcast is encoded once, where the teacher's request lands, and published on the
channel topic of the class's code; each replica hands the same bytes to every student it
serves, and reads a message's type from its first bytes (`kind_of`) without decoding it.
"""

from __future__ import annotations

import math

import numpy as np
import orjson

from app.limits import CLASS_CURVE_POINTS
from app.sessions import Session, gradcheck
from app.sessions.numbers import round_significant

_NUMPY = orjson.OPT_SERIALIZE_NUMPY
_TYPE = b'{"type":"'


def message(kind: str, **fields) -> bytes:
    return orjson.dumps({"type": kind, **fields}, option=_NUMPY)


def kind_of(data: bytes) -> str:
    """The type of a message made by `message` (or a step's or a frame's, which start alike)."""
    if not data.startswith(_TYPE):
        raise ValueError(f"not a class message: {data[:20]!r}")
    return data[len(_TYPE) : data.index(b'"', len(_TYPE))].decode()


def session_part(session: Session) -> dict:
    """What students see of a session: never its id (the key that drives it).  The next
    step's forward pass comes with it, as the teacher's diagram shows it before a step."""
    return {"config": session.config_out(), "state": session.state(), "preview": gradcheck.forward(session)}


# What the store tells of a change of the teacher's session, as the message students get.
CHANGES = {
    "step": lambda session, answer: b'{"type":"step",' + answer[1:],  # the step's answer {"state", ...}
    "frame": lambda session, frame: frame,  # a play frame, {"type": "frame", ...} already
    "session": lambda session, _: message("session", **session_part(session)),  # a reset, an edit
}


def last_trace(last: bytes | None) -> dict | None:
    if not last:
        return None
    return orjson.loads(last).get("trace")


def loss_curve(session: Session) -> dict:
    """The run's per-step losses for a student's chart: every step's when they are few, else
    evenly thinned to CLASS_CURVE_POINTS (the last step always in), to four digits."""
    losses = session.history.since(0)  # every loss it keeps, oldest first
    n = len(losses)
    every = max(1, math.ceil(n / CLASS_CURVE_POINTS))
    at = np.arange(n - 1, -1, -every)[::-1]
    first = session.step - n + 1
    return {"step": (first + at).tolist(), "loss": round_significant(losses[at], 4)}
