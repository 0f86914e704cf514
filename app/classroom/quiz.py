"""A class's question: what may be asked, its true value, how close an answer is, and the
roster the teacher sees (how many joined and answered, and the answers' histogram)."""

from __future__ import annotations

import math

import numpy as np
import orjson

from app.classroom.registry import ClassInfo, Registry
from app.limits import CLASS_HISTOGRAM_BINS
from app.sessions import InputError, Session

TARGETS = ("y_hat", "delta_B", "B", "delta_A", "A")  # what a quiz may ask; B and A are the updated weights


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


def shown(quiz: dict | None, truth: float | None) -> dict | None:
    """The quiz as students may know it: its target and index, whether it is revealed, and
    then its true value."""
    if quiz is None:
        return None
    if truth is None:
        return quiz | {"revealed": False}
    return quiz | {"revealed": True, "value": truth}


def closeness(mine: float | None, truth: float) -> dict:
    """How close one student's answer was: the error and the relative error."""
    if mine is None:
        return {"answer": None, "value": truth, "error": None, "relative": None}
    error = mine - truth
    relative = abs(error) / abs(truth) if truth != 0 else (0.0 if error == 0 else math.inf)
    return {"answer": mine, "value": truth, "error": error, "relative": min(relative, 1e300)}


def histogram(values: list[float], truth: float | None = None) -> dict:
    """The answers in CLASS_HISTOGRAM_BINS bars from the smallest to the largest (the true
    value inside the range once revealed); counts sum to the number of answers.  Answers too
    close together to part into bars of distinct edges (a few ulps apart, or equal) share
    bars one wide around them (a billionth of their size, for answers beyond 5e8)."""
    if not values:
        return {"edges": [], "counts": []}
    points = values + ([truth] if truth is not None else [])
    low, high = min(points), max(points)
    edges = np.linspace(low, high, CLASS_HISTOGRAM_BINS + 1)
    if not (np.diff(edges) > 0).all():
        middle = low / 2 + high / 2
        half = max(0.5, abs(middle) * 1e-9)
        edges = np.linspace(middle - half, middle + half, CLASS_HISTOGRAM_BINS + 1)
    counts, _ = np.histogram(np.asarray(values), bins=edges)
    return {"edges": edges.tolist(), "counts": counts.tolist()}


async def roster(registry: Registry, info: ClassInfo) -> dict:
    answers = list((await registry.answers(info.code)).values())
    return {
        "type": "roster",
        "joined": await registry.joined(info.code),
        "answered": len(answers),
        "histogram": histogram(answers, info.state.get("truth")),
    }


def _show(value, limit: int = 40) -> str:
    text = orjson.dumps(value, default=str).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"
