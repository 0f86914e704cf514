"""A class's question: what may be asked, its true value, how close an answer is, and the
answers' histograms, round by round (the teacher's roster: app/classroom/report.py)."""

from __future__ import annotations

import math

import numpy as np
import orjson

from ..limits import CLASS_HISTOGRAM_BINS
from ..sessions import InputError, Session

TARGETS = ("y_hat", "delta_B", "B", "delta_A", "A")  # what a quiz may ask; B and A are the updated weights
ROUNDS = 2  # a question's rounds: vote, discuss, vote again
RIGHT_RELATIVE, RIGHT_ABSOLUTE = 0.01, 1e-4  # an answer this near the true value is right


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
    answers = np.asarray(values, dtype=float)
    edges = _edges([answers], truth)
    return {"edges": edges.tolist(), "counts": _counts(answers, edges)}


def _counts(answers: np.ndarray, edges: np.ndarray) -> list[int]:
    """np.histogram's counts for answers inside the edges (each bar holds its left edge, the last
    both), without its sorting of every answer: one search each, one count."""
    bars = len(edges) - 1
    at = np.minimum(np.searchsorted(edges, answers, side="right") - 1, bars - 1)
    return np.bincount(at, minlength=bars).tolist()


def _edges(rounds: list[np.ndarray], truth: float | None) -> np.ndarray:
    """The bars' edges for every answer of `rounds` (at least one) and the true value."""
    ends = [float(f(a)) for a in rounds if a.size for f in (np.min, np.max)]
    points = ends + ([truth] if truth is not None else [])
    low, high = min(points), max(points)
    edges = np.linspace(low, high, CLASS_HISTOGRAM_BINS + 1)
    if not (np.diff(edges) > 0).all():
        middle = low / 2 + high / 2
        half = max(0.5, abs(middle) * 1e-9)
        edges = np.linspace(middle - half, middle + half, CLASS_HISTOGRAM_BINS + 1)
    return edges


def right(answer: float, truth: float) -> bool:
    """Within 1% of the true value, or 1e-4 of it near 0."""
    return abs(answer - truth) <= max(RIGHT_RELATIVE * abs(truth), RIGHT_ABSOLUTE)


def count_right(values: list[float] | np.ndarray, truth: float) -> int:
    """How many of `values` are right (`right`, for all of them at once)."""
    near = np.abs(np.asarray(values, dtype=float) - truth) <= max(RIGHT_RELATIVE * abs(truth), RIGHT_ABSOLUTE)
    return int(np.count_nonzero(near))


def rounds_of(closed: list[list[float]], current: list[float], truth: float | None) -> list[dict]:
    """Every round of the open question, the current one last, with histograms on the same
    bars (so that the class's move from one to the next reads at a glance) and, once the true
    value is known, how many answered right."""
    every = [np.asarray(values, dtype=float) for values in (*closed, current)]
    edges = _edges(every, truth) if any(a.size for a in every) else None
    shown = edges.tolist() if edges is not None else []
    out = []
    for answers in every:
        counts = _counts(answers, edges) if edges is not None else []
        entry = {"answered": int(answers.size), "histogram": {"edges": shown, "counts": counts}}
        if truth is not None:
            entry["correct"] = count_right(answers, truth)
        out.append(entry)
    return out


def _show(value, limit: int = 40) -> str:
    text = orjson.dumps(value, default=str).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"
