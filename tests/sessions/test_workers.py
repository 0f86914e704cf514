"""Long calls in worker processes: the same answers as on the event loop, all or nothing,
and a worker that dies changes nothing."""

from __future__ import annotations

import os
import signal
import threading
import time

import orjson
import pytest
from fastapi.testclient import TestClient

from app.api.frames import step_answer
from app.main import create_app
from app.sessions import workers
from app.settings import Settings

CONFIGS = {
    "sgd": {"dataset": "circle", "hidden": 64, "order": "shuffle", "seed": 3},
    "adam": {"dataset": "sine", "hidden": 32, "optimizer": "adam", "seed": 5},
    "td": {"environment": {"name": "random_walk", "states": 19, "target": "td"}, "hidden": 16, "seed": 2},
    "mc": {"environment": {"name": "random_walk", "states": 19, "target": "mc"}, "hidden": 16, "seed": 4},
}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(max_sessions=50))) as c:  # the lifespan starts the workers
        yield c


def _session(client, sid):
    return client.app.state.store.get(sid)


def _twins(client, config):
    made = [client.post("/api/sessions", json=config) for _ in range(2)]
    assert all(r.status_code == 201 for r in made), made[0].text
    return [r.json()["id"] for r in made]


def _long_n(session) -> int:
    """The most steps a call may take: far more than the event loop keeps."""
    n = session.max_steps()
    assert session.leaves_loop(n)
    return n


def _worker_pids() -> set[int]:
    pids = {pid for pool in workers._pools.values() for pid in pool._processes}
    assert pids and os.getpid() not in pids
    return pids


@pytest.mark.parametrize("kind", CONFIGS)
def test_a_long_call_in_a_worker_answers_as_the_loop_would(client, kind):
    sid, twin_id = _twins(client, CONFIGS[kind])
    twin = _session(client, twin_id)
    for _ in range(2):  # twice: the second call starts from the run the first sent back
        n = _long_n(_session(client, sid))
        r = client.post(f"/api/sessions/{sid}/step", json={"n": n})
        assert r.status_code == 200, r.text
        # the twin takes the same steps here, in this process: bit for bit the same answer
        assert orjson.loads(r.content) == orjson.loads(step_answer(twin, *twin.run_steps(n)))
    _worker_pids()
    exported = [client.get(f"/api/sessions/{i}/export").json() for i in (sid, twin_id)]
    assert exported[0]["run"] == exported[1]["run"]


def test_a_call_that_diverges_in_a_worker_changes_nothing(client):
    sid = client.post(
        "/api/sessions", json={"dataset": "sine", "hidden": 64, "alpha_A": 10, "alpha_B": 10}
    ).json()["id"]
    before = client.get(f"/api/sessions/{sid}/export").json()
    n = _long_n(_session(client, sid))
    r = client.post(f"/api/sessions/{sid}/step", json={"n": n})
    assert r.status_code == 409 and r.json()["diverged"] is True, r.text
    after = client.get(f"/api/sessions/{sid}/export").json()
    assert after["run"]["A"] == before["run"]["A"] and after["run"]["step"] == before["run"]["step"] == 0
    assert client.get(f"/api/sessions/{sid}").json()["state"]["diverged"] is True


def test_a_gradient_check_in_a_worker_equals_the_one_here(client):
    sid = client.post("/api/sessions", json={"dataset": "circle", "hidden": 64}).json()["id"]
    session = _session(client, sid)
    assert session.gradcheck_leaves_loop()
    r = client.get(f"/api/sessions/{sid}/gradcheck")
    assert r.status_code == 200
    assert r.json() == orjson.loads(orjson.dumps(session.gradcheck(), option=orjson.OPT_SERIALIZE_NUMPY))


def test_a_worker_killed_during_a_call_changes_nothing_and_the_next_call_works(client):
    sid = client.post("/api/sessions", json={"dataset": "circle", "hidden": 128}).json()["id"]
    session = _session(client, sid)
    before = client.get(f"/api/sessions/{sid}/export").json()
    n = _long_n(session)
    answers = []
    call = threading.Thread(
        target=lambda: answers.append(client.post(f"/api/sessions/{sid}/step", json={"n": n}))
    )
    call.start()
    deadline = time.monotonic() + 10
    while not session.busy and time.monotonic() < deadline:
        time.sleep(0.002)
    assert session.busy, "the long call never started"
    for pid in _worker_pids():
        os.kill(pid, signal.SIGKILL)
    call.join(30)
    (r,) = answers
    assert r.status_code == 503 and "worker" in r.json()["message"] and r.headers["Retry-After"] == "1", (
        r.text
    )
    assert client.get(f"/api/sessions/{sid}/export").json() == before
    # a new pool serves the next call, from the same state
    r = client.post(f"/api/sessions/{sid}/step", json={"n": n})
    assert r.status_code == 200 and r.json()["state"]["step"] == n
