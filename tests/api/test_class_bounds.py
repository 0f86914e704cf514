"""A class holds against what students send: answers a few ulps apart, on both stores."""

from __future__ import annotations

import pytest

from tests.api.test_classes import command, hello, receive_type, student
from tests.classroom.test_quiz import CLOSE


@pytest.mark.parametrize("values", CLOSE)
def test_the_teachers_socket_outlives_answers_a_few_ulps_apart(client, teaching, values):
    sid, cls = teaching
    client.post(f"/api/sessions/{sid}/step", json={"n": 1})
    teacher = hello(client, cls)
    students = [student(client, cls["code"], student=f"close-{i}") for i in range(len(values))]
    try:
        for ws in students:
            ws.__enter__()
            ws.receive_json()
        assert command(teacher, type="quiz", target="delta_B", index=[0])["type"] == "done"
        for ws, value in zip(students, values, strict=True):
            ws.receive_json()  # the quiz
            ws.send_json({"type": "answer", "value": value})
            assert ws.receive_json()["type"] == "answered"
        roster = receive_type(teacher, "roster")
        while roster["answered"] < len(values):
            roster = receive_type(teacher, "roster")
        assert sum(roster["histogram"]["counts"]) == len(values)
        assert command(teacher, type="reveal")["type"] == "done"  # the socket still takes commands
        assert sum(receive_type(teacher, "roster")["histogram"]["counts"]) == len(values)
    finally:
        for ws in students:
            ws.__exit__(None, None, None)
        teacher.__exit__(None, None, None)


def test_a_roster_that_fails_is_skipped_and_the_teacher_goes_on(client, teaching, monkeypatch, caplog):
    from app.classroom import report

    _, cls = teaching
    real, calls = report.roster, []

    async def failing_once(registry, info):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a roster bug")
        return await real(registry, info)

    monkeypatch.setattr(report, "roster", failing_once)
    teacher = hello(client, cls)
    try:
        assert receive_type(teacher, "roster")["joined"] == 0  # the next one came
        assert command(teacher, type="pause")["type"] == "done"
        assert len(calls) >= 2 and "a roster failed" in caplog.text
    finally:
        teacher.__exit__(None, None, None)


def test_follow_never_takes_another_class_session(client, teaching, make_session):
    _, cls = teaching
    other = make_session()["id"]
    assert client.post("/api/classes", json={"session": other}).status_code == 201
    teacher = hello(client, cls)
    try:
        refused = command(teacher, type="follow", session=other)
        assert refused["type"] == "error" and "teaches another class" in refused["message"]
    finally:
        teacher.__exit__(None, None, None)


def test_a_snapshot_is_encoded_once_per_change_for_all_its_students(client, teaching, monkeypatch):
    from app.classroom import classroom as room

    sid, cls = teaching
    made = []
    real = room.session_part
    monkeypatch.setattr(room, "session_part", lambda session: made.append(session.step) or real(session))
    first = []
    for i in range(5):
        with student(client, cls["code"], student=f"snapshot-{i:04d}") as ws:
            first.append(ws.receive_json())
    assert made == [0] and all(s == first[0] | {"student": s["student"]} for s in first)
    client.post(f"/api/sessions/{sid}/step", json={"n": 2})
    for i in range(3):
        with student(client, cls["code"], student=f"after-{i:04d}") as ws:
            after = ws.receive_json()
    assert made == [0, 2] and after["state"]["step"] == 2 and after["trace"]["index"] == 1
