"""Classes: create and end, the student's snapshot and broadcasts, the teacher's commands,
the quiz, and the bounds; on both stores (tests/api/conftest.py)."""

from __future__ import annotations

import json
import math

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.classroom.registry import ALPHABET
from app.limits import CLASS_FOLLOW_BUFFER
from app.main import create_app


class Student:
    """A student's socket, read as a page reads it: the "synced" after a snapshot (which only
    says the snapshot was taken) is skipped."""

    def __init__(self, connecting) -> None:
        self.connecting, self.ws = connecting, None

    def __enter__(self) -> Student:
        self.ws = self.connecting.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.connecting.__exit__(*exc)

    def receive_text(self) -> str:
        got = self.ws.receive_text()
        return self.ws.receive_text() if got == '{"type":"synced"}' else got

    def receive_json(self) -> dict:
        return json.loads(self.receive_text())

    def __getattr__(self, name):
        return getattr(self.ws, name)


def student(client: TestClient, code: str, **params) -> Student:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return Student(client.websocket_connect(f"/api/classes/{code}/student" + (f"?{query}" if query else "")))


def hello(client: TestClient, cls: dict):
    ws = client.websocket_connect(f"/api/classes/{cls['code']}/teacher")
    ws.__enter__()
    ws.send_json({"type": "hello", "key": cls["teacher_key"]})
    return ws


def command(teacher, **message) -> dict:
    """Sends a command and reads until its answer (rosters come in between)."""
    teacher.send_json(message)
    while True:
        got = teacher.receive_json()
        if got["type"] in ("done", "error"):
            return got


def receive_type(ws, kind: str) -> dict:
    while True:
        got = ws.receive_json()
        if got["type"] == kind:
            return got


def test_create_answers_a_code_a_join_url_and_a_key(client, teaching):
    _, cls = teaching
    code = cls["code"]
    assert len(code) == 6 and set(code) <= set(ALPHABET)
    assert len(cls["teacher_key"]) == 32
    assert cls["join_url"] == f"http://testserver/c/{code}"
    page = client.get(f"/c/{code}")
    assert page.status_code == 200 and f'data-class="{code}"' in page.text
    assert client.get(f"/c/{code.lower()}").status_code == 200  # typed in lower case
    assert (
        client.get("/join", params={"code": code}, follow_redirects=False).headers["location"] == f"/c/{code}"
    )
    assert client.get("/join").status_code == 200


def test_unknown_session_and_unknown_code_are_404(client):
    assert client.post("/api/classes", json={"session": "nope"}).status_code == 404
    assert client.get("/c/AAAAAA").status_code == 404
    assert client.delete("/api/classes/AAAAAA", headers={"X-Teacher-Key": "k"}).status_code == 404
    assert client.get("/join", params={"code": "AAAAAA"}).status_code == 404
    with pytest.raises(WebSocketDisconnect) as closed, student(client, "AAAAAA") as ws:
        ws.receive_json()
    assert closed.value.code == 4404


def test_the_snapshot_carries_the_session_and_no_secret(client, teaching):
    sid, cls = teaching
    client.post(f"/api/sessions/{sid}/step", json={"n": 2})
    before = client.get(f"/api/sessions/{sid}").json()["state"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 1})
    with student(client, cls["code"], student="student-one") as ws:
        snap = ws.receive_json()
    assert snap["type"] == "snapshot"
    # no phase of step 3 is shown yet: the weights are those before it, and no preview
    assert (
        snap["state"]["step"] == 3 and snap["state"]["A"] == before["A"] and snap["state"]["B"] == before["B"]
    )
    assert snap["preview"] is None
    assert snap["trace"]["index"] == 2 and snap["config"]["hidden"] == 4
    assert snap["paused"] is False and snap["quiz"] is None and snap["phase"] is None
    assert snap["class"]["code"] == cls["code"] and snap["student"] == "student-one"
    text = str(snap)
    assert sid not in text and cls["teacher_key"] not in text


def test_a_fresh_class_has_no_trace_yet(client, teaching):
    with student(client, teaching[1]["code"]) as ws:
        assert ws.receive_json()["trace"] is None


def test_a_step_reaches_every_student_with_the_same_bytes(client, teaching):
    sid, cls = teaching
    with student(client, cls["code"]) as one, student(client, cls["code"]) as two:
        one.receive_json(), two.receive_json()
        answer = client.post(f"/api/sessions/{sid}/step", json={"n": 2}).json()
        texts = [one.receive_text(), two.receive_text()]
    assert texts[0] == texts[1]
    # the step's state, and of its trace what every phase starts from: the sample and the weights before it
    first = {"index", "s", "y", "A_before", "B_before"}
    expected = {"type": "step", "state": answer["state"], "trace": {k: answer["trace"][k] for k in first}}
    assert json.loads(texts[0]) == expected


def test_reset_reaches_students_as_a_session_message(client, teaching):
    sid, cls = teaching
    with student(client, cls["code"]) as ws:
        ws.receive_json()
        client.post(f"/api/sessions/{sid}/step", json={"n": 2})
        assert ws.receive_json()["type"] == "step"
        client.post(f"/api/sessions/{sid}/reset", json={"seed": 3})
        got = ws.receive_json()
    assert got["type"] == "session" and got["state"]["step"] == 0 and got["config"]["seed"] == 3
    with student(client, cls["code"]) as ws:
        assert ws.receive_json()["trace"] is None  # after a reset, no step yet


def test_a_session_message_and_a_snapshot_carry_the_next_steps_forward_pass(client, teaching):
    """Before a step the teacher's diagram shows the next step's forward pass: students get it too."""
    sid, cls = teaching
    with student(client, cls["code"]) as ws:
        snap = ws.receive_json()
        client.post(f"/api/sessions/{sid}/step", json={"n": 3})
        ws.receive_json()
        client.post(f"/api/sessions/{sid}/reset", json={"seed": 7})
        got = ws.receive_json()
    assert got["type"] == "session"
    for preview in (snap["preview"], got["preview"]):
        assert set(preview) == {"index", "psi", "x", "theta", "y_hat", "loss"}
    gc = client.get(f"/api/sessions/{sid}/gradcheck", params={"weight": "B.0.0"}).json()
    assert got["preview"]["index"] == gc["index"]
    for k in ("psi", "x", "theta", "y_hat", "loss"):
        assert got["preview"][k] == gc["trace"][k], k
    trace = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()["trace"]
    assert trace["index"] == got["preview"]["index"]
    for k in ("psi", "x", "theta", "y_hat"):
        assert trace[k] == pytest.approx(got["preview"][k], rel=1e-12, abs=1e-15), k


def test_follow_moves_the_class_to_the_teachers_new_session(client, teaching, make_session):
    sid, cls = teaching
    new = make_session(hidden=3, seed=5)["id"]
    teacher = hello(client, cls)
    with student(client, cls["code"]) as ws:
        ws.receive_json()
        assert command(teacher, type="follow", session="no-such-session")["type"] == "error"
        assert command(teacher, type="follow", session=new) == {"type": "done", "of": "follow"}
        got = ws.receive_json()
        assert got["type"] == "session" and got["config"]["hidden"] == 3 and "id" not in got
        client.post(f"/api/sessions/{sid}/step", json={"n": 1})  # the old session no longer teaches
        answer = client.post(f"/api/sessions/{new}/step", json={"n": 1}).json()
        got = ws.receive_json()
        assert got["type"] == "step" and got["state"] == answer["state"]
    with student(client, cls["code"]) as ws:
        snap = ws.receive_json()
    assert snap["config"]["hidden"] == 3 and snap["state"]["step"] == 1 and snap["trace"] is not None
    teacher.__exit__(None, None, None)


def test_play_frames_reach_students(client, teaching):
    sid, cls = teaching
    with student(client, cls["code"]) as ws, client.websocket_connect(f"/api/sessions/{sid}/play") as play:
        ws.receive_json()
        teacher_frame = play.receive_text()
        got = ws.receive_text()
        play.send_json({"paused": True})
    assert got == teacher_frame and got.startswith('{"type":"frame"')


def test_view_pause_quiz_reveal_with_three_students(client, teaching):
    sid, cls = teaching
    code = cls["code"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 1})
    trace = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()["trace"]
    teacher = hello(client, cls)
    students = [student(client, code, student=f"student-{i}") for i in range(3)]
    for ws in students:
        ws.__enter__()
        ws.receive_json()
    try:
        assert command(teacher, type="view", phase="delta_B") == {"type": "done", "of": "view"}
        assert command(teacher, type="pause")["type"] == "done"
        for ws in students:
            got = ws.receive_json()
            assert (got["type"], got["phase"]) == ("view", "delta_B") and got["trace"]["delta_B"] == trace[
                "delta_B"
            ]
            assert ws.receive_json() == {"type": "pause"}
        command(teacher, type="resume")
        for ws in students:
            assert ws.receive_json() == {"type": "resume"}
        assert command(teacher, type="quiz", target="delta_B", index=[0])["type"] == "done"
        for ws in students:  # the phase on show goes back to the one before δᴮ's
            asked = {"type": "quiz", "target": "delta_B", "index": [0], "phase": "loss", "round": 1}
            assert ws.receive_json() == asked
        for ws, value in zip(students, [0.5, -1.0, 2.0], strict=True):
            ws.send_json({"type": "answer", "value": value + 7})
            assert ws.receive_json()["type"] == "answered"
            ws.send_json({"type": "answer", "value": value})  # the last one counts
            assert ws.receive_json() == {"type": "answered", "value": value}
        roster = receive_type(teacher, "roster")
        while roster["answered"] < 3:
            roster = receive_type(teacher, "roster")
        assert roster["joined"] == 3 and sum(roster["histogram"]["counts"]) == 3
        assert len(roster["histogram"]["edges"]) == len(roster["histogram"]["counts"]) + 1
        again = student(client, code, student="student-1")  # a reconnect: its answer is kept
        again.__enter__()
        snap = again.receive_json()
        assert snap["quiz"] == {"target": "delta_B", "index": [0], "revealed": False, "round": 1}
        assert snap["answer"] == -1.0
        with pytest.raises(WebSocketDisconnect) as replaced:  # one id, one socket: the old one goes
            students[1].receive_json()
        assert replaced.value.code == 4409
        students[1].__exit__(None, None, None)
        students[1] = again
        assert command(teacher, type="reveal")["type"] == "done"
        truth = trace["delta_B"][0]
        for ws, value in zip(students, [0.5, -1.0, 2.0], strict=True):
            reveal = ws.receive_json()
            mistakes = reveal.pop("mistakes")  # their values: tests/api/test_class_mistakes.py
            assert reveal == {"type": "reveal", "target": "delta_B", "index": [0], "value": truth, "round": 1}
            assert {m["id"] for m in mistakes} <= {"no_f_B_prime", "sign"}
            result = ws.receive_json()
            assert result["type"] == "result" and result["answer"] == value
            assert math.isclose(result["error"], value - truth)
        students[0].send_json({"type": "answer", "value": 1.0})
        assert "no quiz" in students[0].receive_json()["message"]
    finally:
        for ws in students:
            ws.__exit__(None, None, None)
        teacher.__exit__(None, None, None)


def test_quiz_targets_and_indices_are_checked(client, teaching):
    sid, cls = teaching
    teacher = hello(client, cls)
    try:
        assert "reveal" in command(teacher, type="reveal")["message"]
        # a question is about a step the class has seen: none yet
        assert "take a step" in command(teacher, type="quiz", target="A", index=[2, 3])["message"]
        client.post(f"/api/sessions/{sid}/step", json={"n": 1})
        assert command(teacher, type="quiz", target="A", index=[2, 3])["type"] == "done"
        wrong = command(teacher, type="quiz", target="A", index=[3, 0])
        assert wrong["type"] == "error" and wrong["message"].startswith("index:")
        assert command(teacher, type="quiz", target="psi", index=[0])["message"].startswith("target:")
        assert command(teacher, type="nonsense")["message"].startswith("type:")
        client.post(f"/api/sessions/{sid}/step", json={"n": 1})
        command(teacher, type="quiz", target="B", index=[4, 0])
        assert command(teacher, type="reveal")["type"] == "done"
    finally:
        teacher.__exit__(None, None, None)


def test_a_student_cannot_drive_the_class(client, teaching):
    cls = teaching[1]
    with pytest.raises(WebSocketDisconnect) as closed, student(client, cls["code"]) as ws:
        ws.receive_json()
        ws.send_json({"type": "nonsense"})
        assert ws.receive_json()["type"] == "error"
        ws.send_json({"type": "answer", "value": "NaN"})
        assert "finite" in ws.receive_json()["message"]
        ws.send_json({"type": "pause"})
        ws.receive_json()
    assert closed.value.code == 1008


def test_a_student_sending_too_much_is_closed(client, teaching):
    with pytest.raises(WebSocketDisconnect) as closed, student(client, teaching[1]["code"]) as ws:
        ws.receive_json()
        ws.send_text('{"type": "answer", "value": ' + "1" * 300 + "}")
        ws.receive_json()
    assert closed.value.code == 1008
    with pytest.raises(WebSocketDisconnect) as closed, student(client, teaching[1]["code"]) as ws:
        ws.receive_json()
        for _ in range(40):
            ws.send_json({"type": "answer", "value": 1})
        while True:
            ws.receive_json()
    assert closed.value.code == 1008


def test_a_wrong_key_is_refused(client, teaching):
    cls = teaching[1]
    assert (
        client.delete(f"/api/classes/{cls['code']}", headers={"X-Teacher-Key": "x" * 32}).status_code == 403
    )
    assert client.delete(f"/api/classes/{cls['code']}").status_code == 403
    teacher_url = f"/api/classes/{cls['code']}/teacher"
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(teacher_url) as ws:
        ws.send_json({"type": "hello", "key": "wrong"})
        ws.receive_json()
    assert closed.value.code == 4403
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect(teacher_url) as ws:
        ws.send_json({"type": "pause"})
        ws.receive_json()
    assert closed.value.code == 1008


def test_delete_ends_the_class(client, teaching):
    cls = teaching[1]
    with student(client, cls["code"]) as ws:
        ws.receive_json()
        r = client.delete(f"/api/classes/{cls['code']}", headers={"X-Teacher-Key": cls["teacher_key"]})
        assert r.status_code == 204
        assert ws.receive_json()["type"] == "ended"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 1000
    assert client.get(f"/c/{cls['code']}").status_code == 404
    assert (
        client.delete(
            f"/api/classes/{cls['code']}", headers={"X-Teacher-Key": cls["teacher_key"]}
        ).status_code
        == 404
    )


def test_end_from_the_teacher_socket(client, teaching):
    cls = teaching[1]
    with student(client, cls["code"]) as ws:
        ws.receive_json()
        teacher = hello(client, cls)
        assert command(teacher, type="end") == {"type": "done", "of": "end"}
        teacher.__exit__(None, None, None)
        assert ws.receive_json()["type"] == "ended"
    assert client.get(f"/c/{cls['code']}").status_code == 404


def test_release_sends_a_document_that_imports_and_continues_the_run(client, teaching):
    sid, cls = teaching
    client.post(f"/api/sessions/{sid}/step", json={"n": 5})
    teacher = hello(client, cls)
    try:
        with student(client, cls["code"]) as ws:
            ws.receive_json()
            command(teacher, type="release")
            released = ws.receive_json()
            command(teacher, type="gather")
            assert ws.receive_json() == {"type": "gather"}
    finally:
        teacher.__exit__(None, None, None)
    assert released["type"] == "release"
    mine = client.post("/api/sessions/import", json=released["document"])
    assert mine.status_code == 201
    theirs = client.post(f"/api/sessions/{sid}/step", json={"n": 1}).json()
    own = client.post(f"/api/sessions/{mine.json()['id']}/step", json={"n": 1}).json()
    assert own["trace"]["A"] == theirs["trace"]["A"] and own["state"]["step"] == 6


def test_a_student_who_reads_nothing_holds_a_bounded_subscription(client, teaching):
    sid, cls = teaching
    with student(client, cls["code"]) as ws:
        ws.receive_json()
        channel = client.app.state.channel
        local = getattr(channel, "_local", channel)  # RedisChannel delivers through a LocalChannel
        (sub,) = local.by_topic[cls["code"]]
        for _ in range(50):
            client.portal.call(channel.publish, cls["code"], b'{"type":"view","phase":"x"}')
        assert len(sub) <= CLASS_FOLLOW_BUFFER


def test_max_class_size_is_enforced(settings, make_session):
    with TestClient(create_app(settings.model_copy(update={"max_class_size": 2}))) as small:
        sid = small.post("/api/sessions", json={}).json()["id"]
        code = small.post("/api/classes", json={"session": sid}).json()["code"]
        with student(small, code) as one, student(small, code) as two:
            one.receive_json(), two.receive_json()
            with pytest.raises(WebSocketDisconnect) as closed, student(small, code) as three:
                three.receive_json()
            assert closed.value.code == 1013
        with student(small, code) as again:  # those who left make room
            assert again.receive_json()["type"] == "snapshot"


def test_a_new_class_of_the_same_session_ends_the_old_one(client, teaching):
    sid, old = teaching
    with student(client, old["code"]) as ws:
        ws.receive_json()
        new = client.post("/api/classes", json={"session": sid}).json()
        assert ws.receive_json()["type"] == "ended"
    assert client.get(f"/c/{old['code']}").status_code == 404
    with student(client, new["code"]) as ws:
        ws.receive_json()
        client.post(f"/api/sessions/{sid}/step", json={"n": 1})
        assert ws.receive_json()["type"] == "step"


def test_a_late_joiner_gets_the_runs_loss_curve(client, teaching):
    sid, cls = teaching
    client.post(f"/api/sessions/{sid}/step", json={"n": 30})
    history = client.get(f"/api/sessions/{sid}/export").json()["history"]
    with student(client, cls["code"]) as ws:
        curve = ws.receive_json()["losses"]
    # the last step's loss comes with its loss phase, not before
    assert curve["step"] == list(range(1, 30))
    assert curve["loss"] == pytest.approx(history[:-1], rel=5e-4)
    teacher = hello(client, cls)
    assert command(teacher, type="view", phase="loss")["type"] == "done"
    teacher.__exit__(None, None, None)
    with student(client, cls["code"]) as ws:
        curve = ws.receive_json()["losses"]
    assert curve["step"] == list(range(1, 31))
    assert curve["loss"] == pytest.approx(history, rel=5e-4)
    client.post(f"/api/sessions/{sid}/step", json={"n": 4_000})
    with student(client, cls["code"]) as ws:
        curve = ws.receive_json()["losses"]
    # thinned evenly over the whole run, the last step always in
    # (the last, 4,030, waits for its loss phase)
    assert len(curve["step"]) <= 2_000 and curve["step"][-1] == 4_029 and curve["step"][0] <= 3
    gaps = {b - a for a, b in zip(curve["step"], curve["step"][1:], strict=False)}
    assert gaps == {3}
