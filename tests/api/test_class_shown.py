"""Students receive only what the projector has shown: the trace of a step phase by phase, and
never, while a question is open, a number that answers it (on both stores)."""

from __future__ import annotations

import json

import pytest

from tests.api.test_classes import command, hello, student

# What each phase of the slides' step shows for the first time, written out here from the
# slides (Forward, the loss, δᴮ = dL/dŷ · f_B′(θ), ∇_B, B's update, δᴬ, ∇_A, A's update).
FIRST = {"index", "s", "y", "A_before", "B_before"}
BY_PHASE = [
    ("psi", {"psi"}),
    ("x", {"x"}),
    ("theta", {"theta"}),
    ("y_hat", {"y_hat"}),
    ("loss", {"loss"}),
    ("delta_B", {"dL_dy_hat", "df_B", "delta_B"}),
    ("grad_B", {"grad_B"}),
    ("update_B", {"B"}),
    ("delta_A", {"df_A", "delta_A"}),
    ("grad_A", {"grad_A"}),
    ("update_A", {"A"}),
]
SIGMOIDS = {"f_A": "sigmoid", "f_B": "sigmoid", "hidden": 3, "seed": 11}  # no entry is a plain 0 or 1


def test_each_phase_sends_what_it_shows_and_nothing_more(client, make_session):
    sid = make_session(**SIGMOIDS)["id"]
    cls = client.post("/api/classes", json={"session": sid}).json()
    teacher = hello(client, cls)
    try:
        with student(client, cls["code"]) as ws:
            assert ws.receive_json()["trace"] is None
            answer = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()
            full = answer["trace"]
            got = ws.receive_json()
            assert got["type"] == "step" and set(got["trace"]) == FIRST and "losses" not in got
            held, expected = dict(got["trace"]), set(FIRST)
            for phase, new in BY_PHASE:
                assert command(teacher, type="view", phase=phase)["type"] == "done"
                got = ws.receive_json()
                assert (got["type"], got["phase"]) == ("view", phase)
                assert set(got["trace"]) == new, phase
                # the step's losses reach the chart with its loss phase
                assert ("losses" in got) == (phase == "loss")
                held |= got["trace"]
                expected |= new
                assert set(held) == expected
            assert held == full  # the whole step, once every phase is shown, as the teacher's answer has it
            # back to an earlier phase and forward again: nothing is sent twice
            assert command(teacher, type="view", phase="theta")["type"] == "done"
            assert ws.receive_json() == {"type": "view", "phase": "theta", "trace": {}}
    finally:
        teacher.__exit__(None, None, None)


def _entry(trace: dict, target: str) -> tuple[list[int], float]:
    """The index of the target's entry least likely to be printed elsewhere (of the weights,
    one the step changed: a weight of an input that is 0 stays as it was), and its value."""
    value, before = trace[target], trace.get(f"{target}_before")
    if isinstance(value[0], list):
        cells = [([i, j], v) for i, row in enumerate(value) for j, v in enumerate(row)]
        cells = [(at, v) for at, v in cells if before is None or v != before[at[0]][at[1]]]
    else:
        cells = [([i], v) for i, v in enumerate(value)]
    return max(cells, key=lambda cell: abs(cell[1]))


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_no_message_a_student_receives_answers_the_open_question(client, make_session, optimizer):
    sid = make_session(**SIGMOIDS, optimizer=optimizer)["id"]
    cls = client.post("/api/classes", json={"session": sid}).json()
    teacher = hello(client, cls)
    try:
        for target in ("y_hat", "delta_B", "B", "delta_A", "A"):
            with student(client, cls["code"], student=f"early-{target}") as ws:
                ws.receive_json()
                trace = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()["trace"]
                index, value = _entry(trace, target)
                secret = json.dumps(value)  # as the server prints it
                texts = [ws.receive_text()]
                assert command(teacher, type="view", phase="psi")["type"] == "done"
                texts.append(ws.receive_text())
                asked = command(teacher, type="quiz", target=target, index=index)
                assert asked == {"type": "done", "of": "quiz"}
                texts.append(ws.receive_text())
                # the projector cannot be moved to the phase that computes it while the question is open
                at = {
                    "y_hat": "y_hat",
                    "delta_B": "delta_B",
                    "B": "update_B",
                    "delta_A": "delta_A",
                    "A": "update_A",
                }
                refused = command(teacher, type="view", phase=at[target])
                assert refused["type"] == "error" and refused["message"].startswith("phase:")
                # a student who joins now gets a snapshot without it either
                with student(client, cls["code"], student=f"late-{target}") as late:
                    texts.append(late.receive_text())
                assert not any(secret in text for text in texts), target
                assert command(teacher, type="reveal")["type"] == "done"
                reveal = ws.receive_json()
                assert reveal["value"] == value and secret in json.dumps(reveal)
                # once revealed, the phases may be shown again
                assert command(teacher, type="view", phase="update_A")["type"] == "done"
    finally:
        teacher.__exit__(None, None, None)


def test_a_question_about_a_shown_phase_takes_the_projector_back(client, make_session):
    sid = make_session(**SIGMOIDS)["id"]
    cls = client.post("/api/classes", json={"session": sid}).json()
    teacher = hello(client, cls)
    try:
        trace = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()["trace"]
        assert command(teacher, type="view", phase="update_A")["type"] == "done"
        assert command(teacher, type="quiz", target="delta_A", index=[0])["type"] == "done"
        with student(client, cls["code"]) as ws:
            snap = ws.receive_json()
        # the snapshot is of the phase before δᴬ's: B updated, nothing of δᴬ, A as before the step
        assert snap["phase"] == "update_B" and snap["quiz"]["revealed"] is False
        assert (
            "delta_A" not in snap["trace"] and "A" not in snap["trace"] and snap["trace"]["B"] == trace["B"]
        )
        assert snap["state"]["A"] == trace["A_before"] and snap["state"]["B"] == trace["B"]
        assert snap["preview"] is None
    finally:
        teacher.__exit__(None, None, None)
