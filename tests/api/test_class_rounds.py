"""Questions in rounds (vote, discuss, vote again) on both stores: round 1 closes with its answers
kept for the teacher alone, every student answers afresh, and the reveal counts who was right in
each round on the same bars."""

from __future__ import annotations

import math

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.api.test_classes import command, hello, receive_type, student


def right(answer: float, truth: float) -> bool:
    """The tolerance of DESIGN.md's "Likely mistakes": 1% of the value, 1e-4 near 0."""
    return abs(answer - truth) <= max(0.01 * abs(truth), 1e-4)


def roster_when(teacher, ready) -> dict:
    while True:
        got = receive_type(teacher, "roster")
        if ready(got):
            return got


def test_two_rounds_then_a_reveal_of_both(client, teaching):
    sid, cls = teaching
    code = cls["code"]
    trace = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()["trace"]
    truth = trace["delta_B"][0]
    first = [truth * 3 + 1, truth * 2 - 1, truth + 5]  # all wrong
    second = [truth, truth * 1.004, truth + 5]  # two right, one still wrong
    teacher = hello(client, cls)
    students = [student(client, code, student=f"s-{i}") for i in range(3)]
    for ws in students:
        ws.__enter__()
        ws.receive_json()
    try:
        assert command(teacher, type="quiz", target="delta_B", index=[0])["type"] == "done"
        for ws in students:
            assert ws.receive_json()["round"] == 1
        for ws, value in zip(students, first, strict=True):
            ws.send_json({"type": "answer", "value": value})
            assert ws.receive_json() == {"type": "answered", "value": value}
        roster = roster_when(teacher, lambda r: r["answered"] == 3)
        assert [r["answered"] for r in roster["rounds"]] == [3] and "correct" not in roster["rounds"][0]
        assert command(teacher, type="revote") == {"type": "done", "of": "revote"}
        for ws in students:
            assert ws.receive_json() == {"type": "revote", "round": 2}
        # a student who comes back lands in round 2 with no answer of this round
        again = student(client, code, student="s-9")
        again.__enter__()
        snap = again.receive_json()
        assert snap["quiz"]["round"] == 2 and snap["answer"] is None and "rounds" not in snap["quiz"]
        again.__exit__(None, None, None)
        roster = roster_when(teacher, lambda r: len(r["rounds"]) == 2)
        assert roster["answered"] == 0 and [r["answered"] for r in roster["rounds"]] == [3, 0]
        for ws, value in zip(students, second, strict=True):
            ws.send_json({"type": "answer", "value": value})
            assert ws.receive_json() == {"type": "answered", "value": value}
        roster_when(teacher, lambda r: r["answered"] == 3)
        assert command(teacher, type="reveal")["type"] == "done"
        for ws in students:
            got = ws.receive_json()
            assert isinstance(got.pop("mistakes"), list)
            assert got == {"type": "reveal", "target": "delta_B", "index": [0], "value": truth, "round": 2}
        roster = roster_when(teacher, lambda r: "correct" in r["rounds"][-1])
        rounds = roster["rounds"]
        assert [r["correct"] for r in rounds] == [sum(right(v, truth) for v in vs) for vs in (first, second)]
        assert [r["correct"] for r in rounds] == [0, 2]
        # both rounds on the same bars, the true value inside them
        edges = rounds[0]["histogram"]["edges"]
        assert rounds[1]["histogram"]["edges"] == edges and edges[0] <= truth <= edges[-1]
        for r, values in zip(rounds, (first, second), strict=True):
            counts = r["histogram"]["counts"]
            assert sum(counts) == len(values)
            for v in values:  # each answer in its own bar
                i = next(i for i in range(len(counts)) if edges[i] <= v <= edges[i + 1])
                assert counts[i] >= 1
    finally:
        for ws in students:
            ws.__exit__(None, None, None)
        teacher.__exit__(None, None, None)


def test_a_third_round_a_revote_with_nothing_open_and_a_students_revote_are_refused(client, teaching):
    sid, cls = teaching
    client.post(f"/api/sessions/{sid}/step", json={"n": 1})
    teacher = hello(client, cls)
    try:
        got = command(teacher, type="revote")
        assert got["type"] == "error" and got["of"] == "revote" and "no question" in got["message"]
        command(teacher, type="quiz", target="y_hat", index=[0])
        assert command(teacher, type="revote")["type"] == "done"
        got = command(teacher, type="revote")
        assert got["type"] == "error" and "at most 2 rounds" in got["message"]
        command(teacher, type="reveal")
        got = command(teacher, type="revote")
        assert got["type"] == "error" and "no question" in got["message"]
        with student(client, cls["code"]) as ws:
            ws.receive_json()
            ws.send_json({"type": "revote"})
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == 1008 and "teacher" in closed.value.reason
        roster = receive_type(teacher, "roster")
        assert len(roster["rounds"]) == 2  # the student's revote opened no third round
    finally:
        teacher.__exit__(None, None, None)


def test_a_new_question_starts_at_round_one(client, teaching):
    sid, cls = teaching
    client.post(f"/api/sessions/{sid}/step", json={"n": 1})
    teacher = hello(client, cls)
    try:
        command(teacher, type="quiz", target="y_hat", index=[0])
        command(teacher, type="revote")
        command(teacher, type="reveal")
        command(teacher, type="quiz", target="delta_B", index=[0])
        roster = roster_when(teacher, lambda r: len(r["rounds"]) == 1)
        assert roster["rounds"][0]["answered"] == 0
        assert not math.isnan(roster["joined"])
    finally:
        teacher.__exit__(None, None, None)
