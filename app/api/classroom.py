"""What a class sends: the teacher session's broadcasts, the snapshot, the quiz and the roster.

Every message is a JSON object whose first key is "type".  A broadcast is encoded once,
where the teacher's request lands, and published on the channel topic of the class's
code; each replica hands the same bytes to every student it serves.  The hooks below are
what the step, play, reset, weights and sample routes call: when the session teaches no
class they cost one dict lookup.
"""

from __future__ import annotations

import logging
import math

import numpy as np
import orjson

from app.api.frames import round_significant
from app.limits import CLASS_CURVE_POINTS, CLASS_HISTOGRAM_BINS
from app.sessions import InputError, Session, gradcheck
from app.sessions.channel import Channel, ChannelUnavailable
from app.sessions.classes import TARGETS, ClassInfo, Registry
from app.sessions.errors import SessionNotFound, Unavailable
from app.sessions.store import Store

log = logging.getLogger(__name__)
_NUMPY = orjson.OPT_SERIALIZE_NUMPY


def message(kind: str, **fields) -> bytes:
    return orjson.dumps({"type": kind, **fields}, option=_NUMPY)


class Classroom:
    """The registry and the channel, as the routes use them."""

    def __init__(self, registry: Registry, channel: Channel) -> None:
        self.registry = registry
        self.channel = channel

    def teaching(self, session_id: str) -> str | None:
        """The code of the class this session teaches, if any: the hot path's one lookup."""
        return self.registry.index.get(session_id)

    async def broadcast(self, code: str, data: bytes) -> None:
        await self.channel.publish(code, data)

    async def session_moved(self, code: str, data: bytes) -> None:
        """A step answer, a play frame or a reset of the teacher's session: kept as the
        class's last (for snapshots and the quiz) and sent to every student.  A failure
        here (Redis away) loses this broadcast, never the teacher's own answer."""
        try:
            await self.registry.record(code, data)
            await self.channel.publish(code, data)
        except (ChannelUnavailable, Unavailable) as error:
            log.warning("class %s: a broadcast was lost (%s)", code, error)

    async def stepped(self, session_id: str, answer: bytes) -> None:
        """The step route's answer {"state", "trace", "losses"}, as a "step" message."""
        if (code := self.teaching(session_id)) is not None:
            await self.session_moved(code, b'{"type":"step",' + answer[1:])

    async def framed(self, session_id: str, frame: bytes) -> None:
        """A play frame (already {"type": "frame", ...})."""
        if (code := self.teaching(session_id)) is not None:
            await self.session_moved(code, frame)

    async def changed(self, store: Store, session_id: str) -> None:
        """A reset, new weights or a new sample: a "session" message with config and state."""
        if (code := self.teaching(session_id)) is None:
            return
        try:
            async with store.session(session_id) as session:
                data = message("session", **session_part(session))
        except (SessionNotFound, Unavailable):
            return
        await self.session_moved(code, data)


def session_part(session: Session) -> dict:
    """What students see of a session: never its id (the key that drives it).  The next
    step's forward pass comes with it, as the teacher's diagram shows it before a step."""
    return {"config": session.config_out(), "state": session.state(), "preview": gradcheck.forward(session)}


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


def snapshot(session: Session, info: ClassInfo, last: bytes | None, student: str, mine) -> bytes:
    return message(
        "snapshot",
        **session_part(session),
        losses=loss_curve(session),
        trace=last_trace(last),
        **{"class": info.public()},
        phase=info.view,
        paused=info.paused,
        released=info.released,
        quiz=info.public()["quiz"],
        student=student,
        answer=mine,
    )


# ---------------------------------------------------------------- the quiz


def quiz_of(session: Session, target, index) -> dict:
    """A quiz's target and index, checked against the session's shapes (InputError naming them)."""
    if target not in TARGETS:
        raise InputError("target", f"must be one of {', '.join(TARGETS)}, not {_show(target)}")
    shapes = {
        "y_hat": (session.n_y,),
        "delta_B": (session.n_y,),
        "B": tuple(session.B.shape),
        "delta_A": (session.config.hidden,),
        "A": tuple(session.A.shape),
    }
    shape = shapes[target]
    if (
        not isinstance(index, list)
        or len(index) != len(shape)
        or not all(type(i) is int and 0 <= i < n for i, n in zip(index, shape, strict=False))
    ):
        where = ", ".join(f"0..{n - 1}" for n in shape)
        raise InputError("index", f"{target} has shape {list(shape)}: give [{where}], not {_show(index)}")
    return {"target": target, "index": index}


def true_value(trace: dict | None, quiz: dict) -> float:
    """The quiz's entry of the last step: B and A are the weights after its update."""
    if trace is None:
        raise InputError("reveal", "take a step first: the true value is the step's")
    value = np.asarray(trace[quiz["target"]], dtype=float)[tuple(quiz["index"])]
    return float(value)


def closeness(mine: float | None, truth: float) -> dict:
    """How close one student's answer was: the error and the relative error."""
    if mine is None:
        return {"answer": None, "value": truth, "error": None, "relative": None}
    error = mine - truth
    relative = abs(error) / abs(truth) if truth != 0 else (0.0 if error == 0 else math.inf)
    return {"answer": mine, "value": truth, "error": error, "relative": min(relative, 1e300)}


def histogram(values: list[float], truth: float | None = None) -> dict:
    """The answers in CLASS_HISTOGRAM_BINS bars from the smallest to the largest (the true
    value inside the range once revealed); counts sum to the number of answers."""
    if not values:
        return {"edges": [], "counts": []}
    points = values + ([truth] if truth is not None else [])
    low, high = min(points), max(points)
    if low == high:
        low, high = low - 0.5, high + 0.5
    counts, edges = np.histogram(np.asarray(values), bins=CLASS_HISTOGRAM_BINS, range=(low, high))
    return {"edges": edges.tolist(), "counts": counts.tolist()}


async def roster(registry: Registry, info: ClassInfo) -> dict:
    answers = list((await registry.answers(info.code)).values())
    return {
        "type": "roster",
        "joined": await registry.joined(info.code),
        "answered": len(answers),
        "histogram": histogram(answers, info.truth),
    }


def _show(value, limit: int = 40) -> str:
    text = orjson.dumps(value, default=str).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"
