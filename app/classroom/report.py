"""What the class answered: the teacher's live roster of the open question, and the report a
teacher keeps, one entry per question closed by its reveal.

    {"n", "stop", "target", "index", "step", "value",
     "rounds": [{"answered", "correct", "histogram": {"edges", "counts"}, "mistakes": {id: count}}],
     "mistakes": [{"id", "label", "value", "count"}]}

A question's `mistakes` count the answers of its last round (each round counts its own); an
answer is right, or the first likely mistake it is near, or neither (app/classroom/mistakes.py).
Answers are numbers only: no student is named in a roster or a report, ever.
"""

from __future__ import annotations

import csv
import io

from . import quiz as q
from .mistakes import ORDER, counted
from .registry import ClassInfo, Registry

CSV_COLUMNS = ("n", "stop", "target", "index", "step", "value", "round", "answered", "correct")


def rounds(state: dict, answers: list[float]) -> list[dict]:
    """The open question's rounds, the current one last (q.rounds_of), each with its answers'
    likely mistakes counted once the true value is known."""
    closed = state.get("rounds") or []
    truth = state.get("truth")
    out = q.rounds_of(closed, answers, truth)
    found = (state.get("question") or {}).get("mistakes")
    if truth is not None and found is not None:
        for entry, values in zip(out, [*closed, answers], strict=True):
            entry["mistakes"] = counted(values, truth, found)
    return out


def entry(state: dict, answers: list[float]) -> dict:
    """The revealed question as the report keeps it."""
    asked, question = state["quiz"], state.get("question") or {}
    every = rounds(state, answers)
    last = every[-1].get("mistakes", {})
    return {
        "n": question.get("n"),
        "stop": question.get("stop"),
        "target": asked["target"],
        "index": asked["index"],
        "step": question.get("step"),
        "value": state["truth"],
        "rounds": every,
        "mistakes": [m | {"count": last.get(m["id"], 0)} for m in question.get("mistakes", [])],
    }


def commonest(mistakes: list[dict], most: int = 3) -> list[dict]:
    """The likely mistakes some answers made, commonest first (the contract's order between equals)."""
    made = [m for m in mistakes if m["count"] > 0]
    return sorted(made, key=lambda m: -m["count"])[:most]


async def roster(registry: Registry, info: ClassInfo) -> dict:
    """The teacher's view of the open question: joined, answered, the histogram, its rounds;
    once revealed, how many were right and the likely mistakes counted."""
    answers = list((await registry.answers(info.code)).values())
    state = info.state
    truth = state.get("truth")
    out = {
        "type": "roster",
        "joined": await registry.joined(info.code),
        "answered": len(answers),
        "histogram": q.histogram(answers, truth),
        "rounds": rounds(state, answers) if state.get("quiz") else [],
    }
    if state.get("quiz") and truth is not None:
        out["mistakes"] = entry(state, answers)["mistakes"]
    return out


def as_csv(questions: list[dict]) -> str:
    """The report as a spreadsheet: one row per question and round; a column of counts per
    likely mistake (blank where the question has no such mistake)."""
    text = io.StringIO()
    out = csv.writer(text, lineterminator="\r\n")
    out.writerow([*CSV_COLUMNS, *ORDER])
    for question in questions:
        listed = {m["id"] for m in question["mistakes"]}
        for number, r in enumerate(question["rounds"], start=1):
            counts = r.get("mistakes", {})
            row = [question[k] for k in CSV_COLUMNS[:6]]
            row[3] = " ".join(str(i) for i in question["index"])
            row += [number, r["answered"], r.get("correct", "")]
            row += [counts.get(m, 0) if m in listed else "" for m in ORDER]
            out.writerow(["" if v is None else v for v in row])
    return text.getvalue()
