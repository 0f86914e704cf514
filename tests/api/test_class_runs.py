"""The class's own runs, on both stores (tests/api/conftest.py): after `release` each student
imports a copy and reports it (`mine`), the teacher's socket lists the runs (`runs`), and
`spotlight` shows one to the class, read-only, until `null`, `gather` or `follow` end it."""

from __future__ import annotations

import json
import time
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.classroom.errors import ClassNotFound
from app.main import create_app
from tests.api.test_classes import command, hello, receive_type, student

TEACHER_STEPS = 3


def runs_until(teacher, ok, seconds: float = 10.0) -> dict:
    """Reads the teacher's socket until a `runs` message that is `ok` (rosters flow four times
    a second while students are connected, so a read never waits long)."""
    deadline, last = time.monotonic() + seconds, None
    while time.monotonic() < deadline:
        got = teacher.receive_json()
        if got["type"] == "runs":
            last = got
            if ok(got):
                return got
    raise AssertionError(f"no runs message as wanted; the last: {last}")


def by_tag(runs: dict) -> dict:
    return {run["student"]: run for run in runs["runs"]}


def state(client: TestClient, sid: str) -> dict:
    return client.get(f"/api/sessions/{sid}").json()["state"]


def step(client: TestClient, sid: str, n: int = 1) -> dict:
    r = client.post(f"/api/sessions/{sid}/step", json={"n": n})
    assert r.status_code == 200, r.text
    return r.json()


def mine(ws, session) -> dict:
    ws.send_json({"type": "mine", "session": session})
    while True:
        got = ws.receive_json()
        if got["type"] in ("mine", "error"):
            return got


class Released:
    """A class whose teacher took TEACHER_STEPS steps and released the run, with students
    connected (their sockets in `students`); `copy(i)` imports student i's copy."""

    def __init__(self, client: TestClient, teaching, names=("student-one", "student-two")) -> None:
        self.client, (self.sid, self.cls) = client, teaching
        self.code = self.cls["code"]
        self.stack = ExitStack()
        step(client, self.sid, TEACHER_STEPS)
        self.teacher = hello(client, self.cls)
        self.stack.callback(self.teacher.__exit__, None, None, None)
        self.students = [self.stack.enter_context(student(client, self.code, student=n)) for n in names]
        for ws in self.students:
            assert ws.receive_json()["type"] == "snapshot"
        assert command(self.teacher, type="release")["type"] == "done"
        self.document = [receive_type(ws, "release")["document"] for ws in self.students][0]

    def copy(self, **config) -> str:
        doc = {**self.document, "config": {**self.document["config"], **config}}
        r = self.client.post("/api/sessions/import", json=doc)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def runs(self) -> dict:
        return self.client.portal.call(self.client.app.state.classroom.registry.runs, self.code)


@pytest.fixture
def released(client, teaching):
    made = Released(client, teaching)
    with made.stack:
        yield made


def test_students_report_their_copies_and_the_teacher_sees_their_runs(client, released):
    one, two = released.students
    sid1, sid2 = released.copy(), released.copy(alpha_A=0.05)
    assert mine(one, sid1) == {"type": "mine", "student": "S1"}
    assert mine(two, sid2) == {"type": "mine", "student": "S2"}
    step(client, sid1, 7)
    step(client, sid2, 2)
    got = runs_until(
        released.teacher, lambda m: [r["step"] for r in m["runs"]] == [TEACHER_STEPS + 7, TEACHER_STEPS + 2]
    )
    runs = by_tag(got)
    assert list(runs) == ["S1", "S2"] and got["spotlight"] is None
    for tag, sid in (("S1", sid1), ("S2", sid2)):
        now, run = state(client, sid), runs[tag]
        assert run["loss"] == now["dataset_loss"] and run["diverged"] is now["diverged"] is False
        config = client.get(f"/api/sessions/{sid}").json()["config"]
        assert (run["alpha_A"], run["alpha_B"]) == (config["alpha_A"], config["alpha_B"])
        # few steps: the sparkline is each step's loss (the teacher's three, then the copy's own)
        history = client.get(f"/api/sessions/{sid}/export").json()["history"]
        assert len(run["curve"]) == len(history) == run["step"]
        assert run["curve"] == pytest.approx(history, rel=1e-3)
    assert runs["S1"]["alpha_changed"] is False and runs["S2"]["alpha_changed"] is True
    assert runs["S2"]["alpha_A"] == 0.05
    # a long run: at most 24 points, each a mean of its recent losses, the newest last
    step(client, sid1, 500)
    run = by_tag(runs_until(released.teacher, lambda m: by_tag(m)["S1"]["step"] == TEACHER_STEPS + 507))["S1"]
    recent = client.get(f"/api/sessions/{sid1}/export").json()["history"][-480:]
    assert len(run["curve"]) == 24
    assert run["curve"][-1] == pytest.approx(sum(recent[-20:]) / 20, rel=1e-3)
    assert run["curve"][0] == pytest.approx(sum(recent[:20]) / 20, rel=1e-3)


def test_runs_come_at_most_four_times_a_second(client, released, monkeypatch):
    monkeypatch.setattr("app.limits.CLASS_RUN_READ_SECONDS", 0.0)  # every list differs from the last
    sid = released.copy()
    assert mine(released.students[0], sid)["student"] == "S1"
    runs_until(released.teacher, lambda m: len(m["runs"]) == 1)
    arrived, start = [], time.monotonic()
    while time.monotonic() - start < 1.5:
        step(client, sid)
        if released.teacher.receive_json()["type"] == "runs":
            arrived.append(time.monotonic())
    assert 2 <= len(arrived) <= 1.5 * 4 + 1, arrived


def test_each_runs_session_is_read_at_most_once_a_second(client, released, monkeypatch):
    sids = [released.copy(), released.copy()]
    for ws, sid in zip(released.students, sids, strict=True):
        mine(ws, sid)
    store, reads = client.app.state.store, []
    recent_losses = store.recent_losses

    async def counted(sid: str, n: int):
        reads.append(sid)
        return await recent_losses(sid, n)

    monkeypatch.setattr(store, "recent_losses", counted)
    start = time.monotonic()
    while time.monotonic() - start < 2.2:  # steps change the runs all the while
        for sid in sids:
            step(client, sid)
        released.teacher.receive_json()
    for sid in sids:
        assert 2 <= reads.count(sid) <= 3, reads


def test_what_is_not_a_students_own_run_is_refused(client, teaching):
    sid, cls = teaching
    early = client.post("/api/sessions/import", json=client.get(f"/api/sessions/{sid}/export").json()).json()
    with student(client, cls["code"], student="too-early") as ws:
        ws.receive_json()
        refused = mine(ws, early["id"])  # before the release
        assert refused["type"] == "error" and refused["message"].startswith("session:")
        assert refused["of"] == "mine"
    released = Released(client, teaching)
    with released.stack:
        one, two = released.students
        theirs = released.copy()
        assert mine(one, theirs)["student"] == "S1"
        for session in ("no-such-session-" * 2, sid, theirs, 7, "", "x" * 65):
            refused = mine(two, session)
            assert refused["type"] == "error" and refused["message"].startswith("session:"), session
        two.send_json({"type": "mine", "session": released.copy(), "extra": 1})
        assert receive_type(two, "error")["message"].startswith("send only")
        two.send_json({"type": "mine"})
        assert receive_type(two, "error")["message"].startswith("send only")
        assert released.runs() == {"student-one": ("S1", theirs)}
        assert mine(one, sid)["type"] == "error"  # nor may the first student take the teacher's
        assert released.runs() == {"student-one": ("S1", theirs)}


def test_reporting_again_replaces_ones_own_run_and_never_grows_the_list(client, released):
    one = released.students[0]
    last = None
    for _ in range(4):
        last = released.copy()
        assert mine(one, last) == {"type": "mine", "student": "S1"}
    for _ in range(4):
        assert mine(one, last)["student"] == "S1"
    assert released.runs() == {"student-one": ("S1", last)}
    assert mine(released.students[1], released.copy())["student"] == "S2"  # tags are given in order
    got = runs_until(released.teacher, lambda m: len(m["runs"]) == 2)
    assert [r["student"] for r in got["runs"]] == ["S1", "S2"]


def test_a_class_keeps_at_most_its_size_in_runs(settings):
    with TestClient(create_app(settings.model_copy(update={"max_class_size": 2}))) as small:
        sid = small.post("/api/sessions", json={}).json()["id"]
        cls = small.post("/api/classes", json={"session": sid}).json()
        released = Released(small, (sid, cls), names=("student-one",))
        with released.stack:
            assert mine(released.students[0], released.copy())["student"] == "S1"
            with student(small, cls["code"], student="student-two") as two:
                two.receive_json()
                assert mine(two, released.copy())["student"] == "S2"
                with (
                    pytest.raises(WebSocketDisconnect),
                    student(small, cls["code"], student="student-3") as three,
                ):
                    three.receive_json()  # the class is full: a third student is not seated
            with student(small, cls["code"], student="student-three") as three:
                three.receive_json()  # the second left: its seat and then its run make room
                assert mine(three, released.copy())["student"] == "S3"
                assert sorted(released.runs()) == ["student-one", "student-three"]


def test_runs_outlive_the_process_in_redis_only(settings, released, store_kind):
    sid = released.copy()
    mine(released.students[0], sid)
    with TestClient(create_app(settings)) as restarted:
        registry = restarted.app.state.classroom.registry
        if store_kind == "redis":
            assert restarted.portal.call(registry.runs, released.code) == {"student-one": ("S1", sid)}
        else:  # the memory registry lives and dies with its process: another process has no such class
            with pytest.raises(ClassNotFound):
                restarted.portal.call(registry.runs, released.code)


class Seen:
    """A student's socket, every text it receives kept (to look for a session id in it)."""

    def __init__(self, ws) -> None:
        self.ws, self.texts = ws, []

    def until(self, kind: str) -> dict:
        while True:
            text = self.ws.receive_text()
            self.texts.append(text)
            if json.loads(text)["type"] == kind:
                return json.loads(text)


def test_spotlight_shows_a_students_run_to_the_class_never_its_id(client, released):
    teacher, (one, two) = released.teacher, released.students
    sid1 = released.copy()
    assert mine(one, sid1)["student"] == "S1"
    step(client, sid1, 4)  # the run on show: TEACHER_STEPS + 4
    step(client, released.sid)  # the teacher's own: TEACHER_STEPS + 1
    other = Seen(two)
    assert other.until("step")["state"]["step"] == TEACHER_STEPS + 1
    assert command(teacher, type="spotlight", student="S1") == {"type": "done", "of": "spotlight"}
    assert other.until("spotlight") == {"type": "spotlight", "student": "S1"}
    shown = other.until("session")
    assert shown["state"]["step"] == TEACHER_STEPS + 4 and shown["quiz"] is None
    assert shown["config"]["alpha_A"] == client.get(f"/api/sessions/{sid1}").json()["config"]["alpha_A"]
    assert runs_until(teacher, lambda m: m["spotlight"] == "S1")["spotlight"] == "S1"
    # the teacher's own steps reach nobody now; the run on show's do, whole, as a play frame is shown
    step(client, released.sid)
    answer = step(client, sid1)
    got = other.until("frame")
    assert got["state"] == answer["state"] and got["state"]["step"] == TEACHER_STEPS + 5
    assert got["trace"]["delta_A"] == answer["trace"]["delta_A"] and got["trace"]["A"] == answer["trace"]["A"]
    with student(client, released.code, student="late-joiner") as late:
        text = late.receive_text()
        snapshot = json.loads(text)
        assert snapshot["class"]["spotlight"] == snapshot["spotlight"] == "S1"
        assert snapshot["state"]["step"] == TEACHER_STEPS + 5 and snapshot["phase"] == "update_A"  # all of it
        assert snapshot["trace"]["delta_A"] == answer["trace"]["delta_A"]
        assert sid1 not in text
    # null: back to the teacher's run, whose steps are the class's again; the student's are not
    assert command(teacher, type="spotlight", student=None)["type"] == "done"
    assert other.until("spotlight") == {"type": "spotlight", "student": None}
    assert other.until("session")["state"]["step"] == TEACHER_STEPS + 2
    step(client, sid1)
    step(client, released.sid)
    assert other.until("step")["state"]["step"] == TEACHER_STEPS + 3
    # gather ends both
    assert command(teacher, type="spotlight", student="S1")["type"] == "done"
    assert other.until("session")["state"]["step"] == TEACHER_STEPS + 6
    assert command(teacher, type="gather")["type"] == "done"
    assert other.until("spotlight") == {"type": "spotlight", "student": None}
    assert other.until("session")["state"]["step"] == TEACHER_STEPS + 3
    assert other.until("gather") == {"type": "gather"}
    with student(client, released.code, student="late-joiner") as late:
        snapshot = late.receive_json()
        assert snapshot["spotlight"] is None and snapshot["released"] is False
        assert snapshot["state"]["step"] == TEACHER_STEPS + 3
    assert not [text for text in other.texts if sid1 in text]
    refused = command(teacher, type="spotlight", student="S1")  # gathered: no runs on show
    assert refused["type"] == "error" and refused["message"].startswith("spotlight:")


def test_spotlight_refuses_what_is_no_runs_tag(client, released):
    assert mine(released.students[0], released.copy())["student"] == "S1"
    for tag in ("S2", "S0", "s1", "x", 1, ["S1"]):
        refused = command(released.teacher, type="spotlight", student=tag)
        assert refused["type"] == "error" and refused["message"].startswith("student:"), tag
    assert command(released.teacher, type="spotlight", student=None)["type"] == "done"  # none on: nothing
    assert command(released.teacher, type="spotlight", student="S1")["type"] == "done"


def test_follow_ends_a_spotlight_and_a_run_on_show_starts_no_class(client, released):
    one, two = released.students
    sid1 = released.copy()
    mine(one, sid1)
    assert command(released.teacher, type="spotlight", student="S1")["type"] == "done"
    other = Seen(two)
    other.until("session")
    refused = client.post("/api/classes", json={"session": sid1})  # would end the class that shows it
    assert refused.status_code == 422 and refused.json()["message"].startswith("session:")
    assert step(client, sid1)["state"]["step"] == other.until("frame")["state"]["step"]
    new = client.post("/api/sessions", json={"hidden": 2}).json()["id"]
    assert command(released.teacher, type="follow", session=new)["type"] == "done"
    assert other.until("spotlight") == {"type": "spotlight", "student": None}
    assert other.until("session")["config"]["hidden"] == 2
    step(client, sid1)
    step(client, new, 2)
    assert other.until("step")["state"]["step"] == 2
    assert client.post("/api/classes", json={"session": sid1}).status_code == 201  # no longer on show


def test_a_run_whose_session_is_gone_leaves_the_list_and_the_spotlight(client, released):
    one, two = released.students
    sid1, sid2 = released.copy(), released.copy()
    mine(one, sid1), mine(two, sid2)
    assert command(released.teacher, type="spotlight", student="S1")["type"] == "done"
    other = Seen(two)
    other.until("session")
    assert client.delete(f"/api/sessions/{sid1}").status_code == 204
    got = runs_until(released.teacher, lambda m: [r["student"] for r in m["runs"]] == ["S2"])
    assert got["spotlight"] is None
    assert other.until("spotlight") == {"type": "spotlight", "student": None}
    assert other.until("session")["state"]["step"] == TEACHER_STEPS
    assert released.runs() == {"student-two": ("S2", sid2)}


def sent_and_seen(teacher, command: dict, *kinds: str) -> dict:
    """Sends a command and reads until a message of each kind came, in whatever order (its
    answer and what the class is sent reach the teacher by two ways), the last of each kind."""
    teacher.send_json(command)
    seen: dict = {}
    while not set(kinds) <= set(seen):
        got = teacher.receive_json()
        seen[got["type"]] = got
    return seen


def test_the_projector_is_sent_the_run_on_show_and_nothing_of_it_after(client, released):
    teacher, one = released.teacher, released.students[0]
    sid1 = released.copy()
    mine(one, sid1)
    step(client, sid1, 2)
    got = sent_and_seen(teacher, {"type": "spotlight", "student": "S1"}, "done", "spotlight", "session")
    assert got["spotlight"] == {"type": "spotlight", "student": "S1"}
    assert got["session"]["state"]["step"] == TEACHER_STEPS + 2
    answer = step(client, sid1)
    frame = receive_type(teacher, "frame")  # whole, as the students get it
    assert frame["state"] == answer["state"] and frame["trace"]["delta_A"] == answer["trace"]["delta_A"]
    # a teacher's page that connects during the spotlight (a reload) is told it first
    again = hello(client, released.cls)
    try:
        assert receive_type(again, "spotlight") == {"type": "spotlight", "student": "S1"}
        assert receive_type(again, "session")["state"]["step"] == TEACHER_STEPS + 3
    finally:
        again.__exit__(None, None, None)
    got = sent_and_seen(teacher, {"type": "spotlight", "student": None}, "done", "spotlight")
    assert got["spotlight"] == {"type": "spotlight", "student": None}
    step(client, sid1)
    step(client, released.sid)
    later = [teacher.receive_json()["type"] for _ in range(10)]  # rosters come four times a second
    assert not {"frame", "step", "session"} & set(later), later
