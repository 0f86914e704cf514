"""The teacher's tools against what does not belong in a class, on both stores: lock joining
(a known student id still gets back in), the seats by address under anonymous tags, and drop
(that address's sockets closed 4410, its answers gone, kept out until unblocked).

The students here come from several addresses: the app trusts the test client as a proxy,
and each socket names its address in X-Forwarded-For (app/api/clients.py)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.classroom.door_commands import TAG
from app.main import create_app
from app.settings import Settings
from tests.api.test_classes import Student, command, hello, receive_type

PROXY = "10.9.8.7"
HOG, ONE, TWO = "198.51.100.9", "192.0.2.1", "192.0.2.2"


@pytest.fixture
def settings(store_kind: str, request) -> Settings:
    redis_url = request.getfixturevalue("fresh_redis").url if store_kind == "redis" else None
    return Settings(max_sessions=50, session_idle_seconds=600, redis_url=redis_url, trusted_proxies=PROXY)


@pytest.fixture
def client(settings: Settings) -> TestClient:
    with TestClient(create_app(settings), client=(PROXY, 40000)) as c:
        yield c


def student(client: TestClient, code: str, address: str, name: str) -> Student:
    path = f"/api/classes/{code}/student?student={name}"
    return Student(client.websocket_connect(path, headers={"X-Forwarded-For": address}))


def closed_with(ws) -> tuple[int, str]:
    """Reads until the server closes the socket: its code and reason."""
    with pytest.raises(WebSocketDisconnect) as closed:
        while True:
            ws.receive_json()
    return closed.value.code, closed.value.reason


def roster_until(teacher, ok, tries: int = 200) -> dict:
    for _ in range(tries):
        roster = receive_type(teacher, "roster")
        if ok(roster):
            return roster
    raise AssertionError(f"no roster as wanted; the last: {roster}")


def test_lock_refuses_a_new_id_and_lets_a_known_one_back(client, teaching):
    code = teaching[1]["code"]
    teacher = hello(client, teaching[1])
    try:
        with student(client, code, ONE, "known-student") as ws:
            assert ws.receive_json()["type"] == "snapshot"
            assert roster_until(teacher, lambda r: r["joined"] == 1)["locked"] is False
            assert command(teacher, type="lock") == {"type": "done", "of": "lock"}
        roster_until(teacher, lambda r: r["locked"])
        with student(client, code, ONE, "a-stranger") as ws:
            assert closed_with(ws) == (4423, "the teacher has closed this class to new students")
        with student(client, code, TWO, "known-student") as ws:  # a reload, even from another network
            assert ws.receive_json()["type"] == "snapshot"
            assert command(teacher, type="unlock") == {"type": "done", "of": "unlock"}
            assert roster_until(teacher, lambda r: not r["locked"])["joined"] == 1
            with student(client, code, ONE, "a-stranger") as other:
                assert other.receive_json()["type"] == "snapshot"
    finally:
        teacher.__exit__(None, None, None)


def test_drop_closes_that_addresss_sockets_forgets_its_answers_and_keeps_it_out(client, teaching):
    sid, cls = teaching
    code = cls["code"]
    client.post(f"/api/sessions/{sid}/step", json={"n": 1})
    teacher = hello(client, cls)
    hogs = [student(client, code, HOG, f"hog-seat-{i}") for i in range(3)]
    real = [student(client, code, address, f"real-student-{i}") for i, address in enumerate((ONE, TWO))]
    try:
        for ws in hogs + real:
            ws.__enter__()
            assert ws.receive_json()["type"] == "snapshot"
        assert command(teacher, type="quiz", target="y_hat", index=[0])["type"] == "done"
        for ws, value in zip(hogs + real, [99.0, 99.0, 99.0, 0.5, 0.25], strict=True):
            assert receive_type(ws, "quiz")["target"] == "y_hat"
            ws.send_json({"type": "answer", "value": value})
            assert receive_type(ws, "answered")["value"] == value
        roster = roster_until(teacher, lambda r: r["answered"] == 5)
        assert [g["seats"] for g in roster["addresses"]] == [3, 1, 1]
        hog = roster["addresses"][0]["tag"]
        assert command(teacher, type="drop", address=hog) == {"type": "done", "of": "drop"}
        for ws in hogs:
            assert closed_with(ws) == (4410, "the teacher removed this device from the class")
        roster = roster_until(teacher, lambda r: r["joined"] == 2)
        assert roster["answered"] == 2 and sum(roster["histogram"]["counts"]) == 2
        assert [g["seats"] for g in roster["addresses"]] == [1, 1] and roster["blocked"] == 1
        assert hog not in {g["tag"] for g in roster["addresses"]}
        with student(client, code, HOG, "hog-seat-0") as ws:  # kept out, under any id
            assert closed_with(ws)[0] == 4410
        with student(client, code, HOG, "hog-new-id") as ws:
            assert closed_with(ws)[0] == 4410
        command(teacher, type="reveal")  # the students of other addresses go on
        for ws in real:
            assert receive_type(ws, "result")["answer"] in (0.5, 0.25)
        assert command(teacher, type="unblock") == {"type": "done", "of": "unblock"}
        assert roster_until(teacher, lambda r: r["blocked"] == 0)
        with student(client, code, HOG, "hog-seat-0") as ws:
            assert ws.receive_json()["type"] == "snapshot"
    finally:
        for ws in hogs + real:
            ws.__exit__(None, None, None)
        teacher.__exit__(None, None, None)


def test_the_roster_groups_seats_under_tags_and_never_shows_an_address(client, teaching, make_session):
    code = teaching[1]["code"]
    addresses = [f"203.0.113.{i}" for i in range(12)]
    sockets = [student(client, code, HOG, f"hog-seat-{i}") for i in range(3)]
    sockets += [student(client, code, address, f"student-{i}") for i, address in enumerate(addresses)]
    sockets += [Student(client.websocket_connect(f"/api/classes/{code}/student"))]  # the proxy's own
    teacher = hello(client, teaching[1])
    try:
        for ws in sockets:
            ws.__enter__()
            assert "tag_key" not in ws.receive_text()  # the snapshot: the tags' secret stays with the class
        while True:
            raw = teacher.receive_text()
            if raw.startswith('{"type":"roster"') and '"joined":16' in raw:
                break
        for address in [*addresses, HOG, PROXY, "testclient", "127.0.0.", "203.0.113.", "198.51.100."]:
            assert address not in raw
        roster = receive_type(teacher, "roster")
        groups = roster["addresses"]
        assert len(groups) == 10 and roster["others"] == {"addresses": 4, "seats": 4}
        assert groups[0]["seats"] == 3 and all(g["seats"] == 1 for g in groups[1:])
        assert all(re.fullmatch(TAG, g["tag"]) for g in groups) and len({g["tag"] for g in groups}) == 10
        assert groups == roster_until(teacher, lambda r: True)["addresses"]  # the same tags all along
        hog = groups[0]["tag"]
    finally:
        for ws in sockets:
            ws.__exit__(None, None, None)
        teacher.__exit__(None, None, None)
    # another class: the same address under another tag
    other = client.post("/api/classes", json={"session": make_session()["id"]}).json()
    teacher = hello(client, other)
    try:
        with student(client, other["code"], HOG, "hog-seat-0") as ws:
            ws.receive_json()
            roster = roster_until(teacher, lambda r: r["joined"] == 1 and r["addresses"])
            assert len(roster["addresses"]) == 1 and roster["addresses"][0]["tag"] != hog
    finally:
        teacher.__exit__(None, None, None)


def test_only_the_teacher_locks_and_drops_and_a_drop_names_a_tag_it_shows(client, teaching):
    code = teaching[1]["code"]
    for kind in ({"type": "lock"}, {"type": "unblock"}, {"type": "drop", "address": "AAAAAAAA"}):
        with student(client, code, ONE, "student-one") as ws:
            ws.receive_json()
            ws.send_json(kind)
            assert closed_with(ws)[0] == 1008
    url = f"/api/classes/{code}/teacher"
    with client.websocket_connect(url) as ws:  # a wrong key: nothing is locked
        ws.send_json({"type": "hello", "key": "x" * 32})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4403
    teacher = hello(client, teaching[1])
    try:
        with student(client, code, ONE, "student-one") as ws:
            ws.receive_json()
            assert roster_until(teacher, lambda r: r["joined"] == 1)["locked"] is False
            for address in (None, 7, "127.0.0.1", ONE, "AAAAAAA", "aaaaaaaa"):
                got = command(teacher, type="drop", address=address)
                assert got["type"] == "error" and got["message"].startswith("address: must be the tag"), got
            got = command(teacher, type="drop", address="AAAAAAAA")
            assert got["type"] == "error" and "no address with this tag" in got["message"]
            ws.send_json({"type": "answer", "value": 1.0})  # still connected
            assert ws.receive_json()["type"] == "error"
    finally:
        teacher.__exit__(None, None, None)
