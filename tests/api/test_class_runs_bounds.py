"""The class's own runs cost a bounded amount, on both stores (tests/api/conftest.py): each run's
session is read at most once a second for the class however many teacher tabs watch it, and a
student who floods `mine` is closed as one who floods answers, the class going on without them."""

from __future__ import annotations

import time

import pytest
from starlette.websockets import WebSocketDisconnect

from app import limits
from tests.api.test_class_runs import Released, mine, runs_until, step
from tests.api.test_classes import command, hello, receive_type, student


@pytest.fixture
def released(client, teaching):
    made = Released(client, teaching)
    with made.stack:
        yield made


def test_two_teacher_sockets_read_each_run_at_most_once_a_second_for_the_class(client, released, monkeypatch):
    sids = [released.copy(), released.copy()]
    for ws, sid in zip(released.students, sids, strict=True):
        mine(ws, sid)
    other = hello(client, released.cls)  # a second tab of the projector, on the same server
    try:
        for teacher in (released.teacher, other):
            runs_until(teacher, lambda m: len(m["runs"]) == 2)
        store, reads = client.app.state.store, []
        recent_losses = store.recent_losses

        async def counted(sid: str, n: int):
            reads.append(sid)  # one a summary: the run's session is read for it just before
            return await recent_losses(sid, n)

        monkeypatch.setattr(store, "recent_losses", counted)
        start = time.monotonic()
        while time.monotonic() - start < 3.2:  # steps change the runs all the while
            for sid in sids:
                step(client, sid)
            released.teacher.receive_json()
            other.receive_json()
        seconds = time.monotonic() - start
        got = [runs_until(teacher, lambda m: len(m["runs"]) == 2) for teacher in (released.teacher, other)]
    finally:
        other.__exit__(None, None, None)
    for sid in sids:
        assert 3 <= reads.count(sid) <= seconds / limits.CLASS_RUN_READ_SECONDS + 1, (sid, reads)
    assert got[0]["runs"][0]["step"] > 3 and got[1]["runs"][0]["step"] > 3
    # the class's reads are kept while a teacher's socket of it is open, and dropped with the last
    assert released.code in client.app.state.classroom._reads
    released.teacher.__exit__(None, None, None)
    deadline = time.monotonic() + 5
    while released.code in client.app.state.classroom._reads and time.monotonic() < deadline:
        time.sleep(0.05)
    assert released.code not in client.app.state.classroom._reads


def closed_after(ws) -> tuple[WebSocketDisconnect, list[dict]]:
    """Reads a socket until it is closed: how, and what came before.  An oversize message is sent
    last, so that a socket the flood did not close ends too (for that, and the test says so)."""
    ws.send_text("{" + " " * limits.CLASS_ANSWER_BYTES + "}")
    seen = []
    with pytest.raises(WebSocketDisconnect) as closed:
        while True:
            seen.append(ws.receive_json())
    return closed.value, seen


def test_a_student_flooding_mine_is_closed_and_the_class_goes_on(client, released):
    teacher, (one, two) = released.teacher, released.students
    copies = [released.copy() for _ in range(4)]
    burst = int(2 * limits.CLASS_ANSWERS_PER_SECOND)
    for i in range(4 * burst):  # far more than a second's worth, at once
        one.send_json({"type": "mine", "session": copies[i % len(copies)]})
    closed, seen = closed_after(one)
    assert closed.code == 1008 and "messages a second" in closed.reason
    answered = [m for m in seen if m["type"] in ("mine", "error")]
    assert 1 <= len(answered) <= burst and all(m == {"type": "mine", "student": "S1"} for m in answered)
    # reporting again replaced one's own run: one run, one tag, whatever was sent
    (kept,) = released.runs().values()
    assert kept[0] == "S1" and kept[1] in copies
    # a flood of refused sessions is closed alike, and keeps nothing
    with student(client, released.code, student="student-flood") as three:
        receive_type(three, "snapshot")
        for _ in range(4 * burst):
            three.send_json({"type": "mine", "session": "no-such-session-at-all"})
        closed, seen = closed_after(three)
    assert closed.code == 1008 and "messages a second" in closed.reason
    errors = [m for m in seen if m["type"] == "error"]
    assert 1 <= len(errors) <= burst and all(m["of"] == "mine" for m in errors)
    # an oversize `mine` is closed at once, unread
    with student(client, released.code, student="student-large") as four:
        receive_type(four, "snapshot")
        four.send_json({"type": "mine", "session": "x" * limits.CLASS_ANSWER_BYTES})
        closed, seen = closed_after(four)  # (closed by the first)
    assert closed.code == 1008 and f"{limits.CLASS_ANSWER_BYTES} bytes" in closed.reason
    assert not [m for m in seen if m["type"] in ("mine", "error")]
    assert list(released.runs()) == ["student-one"]
    # the class goes on: the teacher drives it, the other student follows and reports a run
    assert command(teacher, type="pause") == {"type": "done", "of": "pause"}
    assert receive_type(two, "pause")["type"] == "pause"
    assert command(teacher, type="resume")["type"] == "done"
    assert receive_type(two, "resume")["type"] == "resume"
    theirs = released.copy()
    assert mine(two, theirs) == {"type": "mine", "student": "S2"}
    step(client, theirs, 2)
    got = runs_until(teacher, lambda m: [r["student"] for r in m["runs"]] == ["S1", "S2"])
    assert got["runs"][1]["step"] == 3 + 2
    roster = receive_type(teacher, "roster")
    assert roster["joined"] == 1  # the three flooders' seats are free again
    # and the flooder, back within bounds, has its own run and tag still
    with student(client, released.code, student="student-one") as again:
        receive_type(again, "snapshot")
        assert mine(again, kept[1]) == {"type": "mine", "student": "S1"}
    assert sorted(released.runs()) == ["student-one", "student-two"]
