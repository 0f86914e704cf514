"""What a class sends its students: JSON objects whose first key is "type".

A broadcast is encoded once, where the teacher's request lands, and published on the
channel topic of the class's code; each replica hands the same bytes to every student it
serves, and reads a message's type from its first bytes (`kind_of`) without decoding it.
"""

from __future__ import annotations

import math

import numpy as np
import orjson

from ..limits import CLASS_CURVE_POINTS
from ..sessions import Session
from ..sessions.numbers import round_significant
from . import shown

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
    return {"config": session.config_out(), "state": session.state(), "preview": session.preview()}


def _step(session: Session, answer: bytes) -> tuple[bytes, bytes]:
    """A step's answer {"state", "trace", "losses"}: kept whole (the phases shown later send
    their parts of it), sent with what is shown before the first phase (app/classroom/shown.py)."""
    kept = b'{"type":"step",' + answer[1:]
    body = orjson.loads(answer)
    return kept, message("step", state=body["state"], trace=shown.entries(body["trace"], None, shown.NONE))


def _frame(session: Session, frame: bytes) -> tuple[bytes, bytes]:
    return frame, frame  # a play frame, {"type": "frame", ...} already: playing, every phase is shown


def _session(session: Session, _) -> tuple[bytes, bytes]:
    data = message("session", **session_part(session))  # a reset, an edit
    return data, data


# What the store tells of a change of the teacher's session: the message the class keeps as
# its last (for snapshots and the quiz), and the one students get now.
CHANGES = {"step": _step, "frame": _frame, "session": _session}


def state_of(data: bytes) -> dict | None:
    """The "state" of a step or a frame as kept (they begin `{"type":…,"state":{…},"trace":`),
    read without decoding the trace: the step it was, for a snapshot that needs only that."""
    end = data.find(b',"trace":')
    return orjson.loads(data[:end] + b"}").get("state") if end > 0 else None


def last_trace(last: bytes | None) -> dict | None:
    if not last:
        return None
    return orjson.loads(last).get("trace")


def loss_curve(session: Session, unseen: int = 0) -> dict:
    """The run's per-step losses for a student's chart: every step's when they are few, else
    evenly thinned to CLASS_CURVE_POINTS (the last step always in), to four digits; without
    the last `unseen` (a step whose loss phase is not shown yet)."""
    losses = session.history.since(0)  # every loss it keeps, oldest first
    losses = losses[: len(losses) - unseen]
    n = len(losses)
    every = max(1, math.ceil(n / CLASS_CURVE_POINTS))
    at = np.arange(n - 1, -1, -every)[::-1]
    first = session.step - unseen - n + 1
    return {"step": (first + at).tolist(), "loss": round_significant(losses[at], 4)}
