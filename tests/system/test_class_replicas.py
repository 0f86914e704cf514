"""Classes across replicas: two app processes on one real Redis.  A student on replica B
follows a teacher on replica A, the teacher on A sees B's students and answers, and a
student who reads nothing does not grow the server's memory."""

from __future__ import annotations

import json
import time

import httpx
from websockets.sync.client import connect

from tests.live_server import app_servers, rss_bytes


def _ws(url: str, path: str, **kwargs):
    return connect(url.replace("http://", "ws://") + path, open_timeout=10, **kwargs)


def _until(ws, kind: str) -> dict:
    while True:
        got = json.loads(ws.recv(timeout=10))
        if got["type"] == kind:
            return got


def test_a_student_on_one_replica_follows_a_teacher_on_another(fresh_redis):
    with (
        app_servers(2, REDIS_URL=fresh_redis.url) as (a, b),
        httpx.Client(trust_env=False, timeout=15) as http,
    ):
        sid = http.post(f"{a.url}/api/sessions", json={}).json()["id"]
        cls = http.post(f"{a.url}/api/classes", json={"session": sid}).json()
        code = cls["code"]
        assert http.get(f"{b.url}/c/{code}").status_code == 200
        with _ws(b.url, f"/api/classes/{code}/student?student=on-replica-b") as student:
            assert json.loads(student.recv(timeout=10))["type"] == "snapshot"
            assert json.loads(student.recv(timeout=10))["type"] == "synced"
            answer = http.post(f"{a.url}/api/sessions/{sid}/step", json={"n": 2})
            got = json.loads(student.recv(timeout=10))
            assert got["type"] == "step" and got["state"] == answer.json()["state"]
            # a step that lands on B (the teacher's session is any replica's) reaches B's student too
            answer = http.post(f"{b.url}/api/sessions/{sid}/step", json={"n": 1})
            assert json.loads(student.recv(timeout=10))["state"]["step"] == 3

            with _ws(a.url, f"/api/classes/{code}/teacher") as teacher:
                teacher.send(json.dumps({"type": "hello", "key": cls["teacher_key"]}))
                assert _until(teacher, "roster")["joined"] == 1  # B's student, counted on A
                teacher.send(json.dumps({"type": "quiz", "target": "y_hat", "index": [0]}))
                assert _until(student, "quiz")["target"] == "y_hat"
                student.send(json.dumps({"type": "answer", "value": 0.25}))
                assert _until(student, "answered")["value"] == 0.25
                roster = _until(teacher, "roster")
                while roster["answered"] < 1:
                    roster = _until(teacher, "roster")
                assert sum(roster["histogram"]["counts"]) == 1
                teacher.send(json.dumps({"type": "reveal"}))
                truth = answer.json()["trace"]["y_hat"][0]
                assert _until(student, "reveal")["value"] == truth
                assert _until(student, "result")["error"] == 0.25 - truth
        # the student left: counted out at once
        with _ws(a.url, f"/api/classes/{code}/teacher") as teacher:
            teacher.send(json.dumps({"type": "hello", "key": cls["teacher_key"]}))
            assert _until(teacher, "roster")["joined"] == 0
        r = http.delete(f"{b.url}/api/classes/{code}", headers={"X-Teacher-Key": cls["teacher_key"]})
        assert r.status_code == 204
        assert http.get(f"{a.url}/c/{code}").status_code == 404


def test_a_student_who_reads_nothing_does_not_grow_the_server(fresh_redis):
    # A wide network: each step's broadcast is about half a megabyte of JSON.
    data = {"s": [[0.01 * (i + j) for j in range(100)] for i in range(8)], "y": [[1.0]] * 8}
    with app_servers(1, REDIS_URL=fresh_redis.url) as (a,), httpx.Client(trust_env=False, timeout=30) as http:
        sid = http.post(f"{a.url}/api/sessions", json={"data": data, "hidden": 256}).json()["id"]
        code = http.post(f"{a.url}/api/classes", json={"session": sid}).json()["code"]
        # max_queue=1 and a small read buffer: the client stops reading, the server's sends block
        with _ws(a.url, f"/api/classes/{code}/student", max_queue=1, max_size=None) as student:
            student.recv(timeout=10)
            for _ in range(20):  # warm up: the allocator's pools, the first large answers
                http.post(f"{a.url}/api/sessions/{sid}/step", json={"n": 1})
            before = rss_bytes(a.proc.pid)
            for _ in range(300):  # ~150 MB of broadcasts if they queued for this student
                http.post(f"{a.url}/api/sessions/{sid}/step", json={"n": 1})
            time.sleep(0.5)
            grown = rss_bytes(a.proc.pid) - before
        assert grown < 40 * 2**20, f"the server grew by {grown / 2**20:.0f} MB"


def test_follow_on_one_replica_never_takes_a_session_that_teaches_on_another(fresh_redis):
    with (
        app_servers(2, REDIS_URL=fresh_redis.url) as (a, b),
        httpx.Client(trust_env=False, timeout=15) as http,
    ):
        mine = http.post(f"{a.url}/api/sessions", json={}).json()["id"]
        cls = http.post(f"{a.url}/api/classes", json={"session": mine}).json()
        theirs = http.post(f"{b.url}/api/sessions", json={}).json()["id"]
        assert http.post(f"{b.url}/api/classes", json={"session": theirs}).status_code == 201
        with _ws(a.url, f"/api/classes/{cls['code']}/teacher") as teacher:
            teacher.send(json.dumps({"type": "hello", "key": cls["teacher_key"]}))
            teacher.send(json.dumps({"type": "follow", "session": theirs}))
            while (got := json.loads(teacher.recv(timeout=10)))["type"] not in ("done", "error"):
                pass
        assert got["type"] == "error" and "teaches another class" in got["message"]


def test_a_lesson_lasts_in_redis_across_replicas_and_a_restart(fresh_redis):
    """The teacher paces a lesson on replica A; a student on B follows its stops; with every
    server stopped and a new one started on the same Redis, a student lands on the same stop and
    the teacher goes on from it."""
    with httpx.Client(trust_env=False, timeout=15) as http:
        with app_servers(2, REDIS_URL=fresh_redis.url) as (a, b):
            sid = http.post(f"{a.url}/api/sessions", json={}).json()["id"]
            cls = http.post(f"{a.url}/api/classes", json={"session": sid}).json()
            code = cls["code"]
            with _ws(b.url, f"/api/classes/{code}/student?student=on-b") as student:
                _until(student, "synced")
                with _ws(a.url, f"/api/classes/{code}/teacher") as teacher:
                    teacher.send(json.dumps({"type": "hello", "key": cls["teacher_key"]}))
                    teacher.send(json.dumps({"type": "lesson", "name": "slides"}))
                    assert _until(student, "lesson")["count"] == 8
                    teacher.send(json.dumps({"type": "goto", "stop": 3}))
                    stop = _until(student, "stop")
                    assert stop["index"] == 3 and stop["title"] == "An example of the gradient"
                    assert _until(teacher, "done")["of"] in ("lesson", "goto")
        # every process gone; the class, its lesson and its stop are in Redis
        with (
            app_servers(1, REDIS_URL=fresh_redis.url) as (c,),
            _ws(c.url, f"/api/classes/{code}/student") as late,
        ):
            snap = json.loads(late.recv(timeout=10))
            assert snap["class"]["stop"]["index"] == 3
            with _ws(c.url, f"/api/classes/{code}/teacher") as teacher:
                teacher.send(json.dumps({"type": "hello", "key": cls["teacher_key"]}))
                teacher.send(json.dumps({"type": "goto", "stop": 4}))
                assert _until(late, "stop")["title"] == "Deriving the gradient for A"


def test_answers_rounds_and_the_report_last_in_redis_across_replicas_and_a_restart(fresh_redis):
    """A question asked on replica A is answered in two rounds by a student on B; every server
    stops mid-question; on two new ones the teacher sees both rounds' answers, reveals, and the
    report is the same from either."""
    with httpx.Client(trust_env=False, timeout=15) as http:
        with app_servers(2, REDIS_URL=fresh_redis.url) as (a, b):
            sid = http.post(f"{a.url}/api/sessions", json={}).json()["id"]
            cls = http.post(f"{a.url}/api/classes", json={"session": sid}).json()
            code, key = cls["code"], cls["teacher_key"]
            truth = http.post(f"{a.url}/api/sessions/{sid}/step", json={"n": 1}).json()["trace"]["delta_B"][0]
            with (
                _ws(b.url, f"/api/classes/{code}/student?student=on-b-student") as student,
                _ws(a.url, f"/api/classes/{code}/teacher") as teacher,
            ):
                _until(student, "synced")
                teacher.send(json.dumps({"type": "hello", "key": key}))
                teacher.send(json.dumps({"type": "quiz", "target": "delta_B", "index": [0]}))
                _until(student, "quiz")
                student.send(json.dumps({"type": "answer", "value": -truth}))  # the sign flipped
                _until(student, "answered")
                teacher.send(json.dumps({"type": "revote"}))
                _until(student, "revote")
                student.send(json.dumps({"type": "answer", "value": truth}))
                _until(student, "answered")
                while _until(teacher, "roster")["answered"] < 1:
                    pass
        with app_servers(2, REDIS_URL=fresh_redis.url) as (c, d):
            with _ws(c.url, f"/api/classes/{code}/teacher") as teacher:
                teacher.send(json.dumps({"type": "hello", "key": key}))
                roster = _until(teacher, "roster")
                assert [r["answered"] for r in roster["rounds"]] == [1, 1]  # both rounds kept
                teacher.send(json.dumps({"type": "reveal"}))
                while "mistakes" not in (roster := _until(teacher, "roster")):
                    pass
                assert [r["correct"] for r in roster["rounds"]] == [0, 1]
                assert roster["rounds"][0]["mistakes"]["sign"] == 1
            reports = [
                http.get(f"{u}/api/classes/{code}/report", headers={"x-teacher-key": key}).json()
                for u in (c.url, d.url)
            ]
            assert reports[0] == reports[1] and len(reports[0]["questions"]) == 1
            assert reports[0]["questions"][0]["rounds"][0]["mistakes"]["sign"] == 1


def test_a_run_reported_on_one_replica_is_listed_and_spotlit_on_another(fresh_redis):
    """After the release, a student on replica B imports its copy there and reports it; the
    teacher on A lists it and spotlights it; the student's next step, taken on B, reaches a
    student on A, who is never sent the run's id."""
    with (
        app_servers(2, REDIS_URL=fresh_redis.url) as (a, b),
        httpx.Client(trust_env=False, timeout=15) as http,
    ):
        sid = http.post(f"{a.url}/api/sessions", json={}).json()["id"]
        http.post(f"{a.url}/api/sessions/{sid}/step", json={"n": 2})
        cls = http.post(f"{a.url}/api/classes", json={"session": sid}).json()
        code = cls["code"]
        with (
            _ws(b.url, f"/api/classes/{code}/student?student=on-replica-b") as student,
            _ws(a.url, f"/api/classes/{code}/student?student=on-replica-a") as watcher,
            _ws(a.url, f"/api/classes/{code}/teacher") as teacher,
        ):
            _until(student, "synced"), _until(watcher, "synced")
            teacher.send(json.dumps({"type": "hello", "key": cls["teacher_key"]}))
            teacher.send(json.dumps({"type": "release"}))
            document = _until(student, "release")["document"]
            _until(watcher, "release")
            copy = http.post(f"{b.url}/api/sessions/import", json=document).json()["id"]
            student.send(json.dumps({"type": "mine", "session": copy}))
            assert _until(student, "mine") == {"type": "mine", "student": "S1"}
            http.post(f"{b.url}/api/sessions/{copy}/step", json={"n": 3})
            runs = _until(teacher, "runs")
            while [r["step"] for r in runs["runs"]] != [5]:  # read within a second of the step
                runs = _until(teacher, "runs")
            state = http.get(f"{b.url}/api/sessions/{copy}").json()["state"]
            assert runs["runs"][0]["student"] == "S1" and runs["runs"][0]["loss"] == state["dataset_loss"]
            teacher.send(json.dumps({"type": "spotlight", "student": "S1"}))
            texts = []

            def seen(kind: str) -> dict:
                while True:
                    texts.append(watcher.recv(timeout=10))
                    if (got := json.loads(texts[-1]))["type"] == kind:
                        return got

            assert seen("spotlight") == {"type": "spotlight", "student": "S1"}
            assert seen("session")["state"]["step"] == 5
            answer = http.post(f"{b.url}/api/sessions/{copy}/step", json={"n": 1}).json()
            assert seen("frame")["state"] == answer["state"]  # shown whole: no teacher walks its phases
            assert not [text for text in texts if copy in text]
            while _until(teacher, "runs")["spotlight"] != "S1":
                pass
