"""Long calls in worker processes: the same answers as on the event loop, all or nothing;
a worker that dies changes nothing and fails no other call; a learner who finds every
worker busy waits for one, ahead of a client that loops calls.  (The queue's own rules,
without processes: tests/sessions/test_worker_queue.py.)"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time

import httpx
import orjson
import pytest
from fastapi.testclient import TestClient

from app.api.frames import step_answer
from app.main import create_app
from app.sessions import ConfigIn, new_session, workers
from app.settings import Settings
from tests.conftest import run_in_own_loop

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
    pids = {_pid(slot) for slot in workers._pools}
    assert pids and os.getpid() not in pids
    return pids


def _pid(slot: int) -> int:
    """The process of a slot's worker (each slot has a pool of one)."""
    (pid,) = workers._pools[slot]._processes
    return pid


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
    work = client.app.state.workers
    deadline = time.monotonic() + 10  # a bound on a hang, not a measurement
    while not work.jobs and time.monotonic() < deadline:
        time.sleep(0.002)
    assert work.jobs, "the long call never reached a worker"
    for pid in _worker_pids():
        os.kill(pid, signal.SIGKILL)
    call.join(30)
    (r,) = answers
    assert r.status_code == 503 and "worker" in r.json()["message"] and r.headers["Retry-After"] == "1", (
        r.text
    )
    assert client.get(f"/api/sessions/{sid}/export").json() == before
    # a new worker serves the next call, from the same state
    r = client.post(f"/api/sessions/{sid}/step", json={"n": n})
    assert r.status_code == 200 and r.json()["state"]["step"] == n


# ---------------------------------------------------------------- several learners at once

X, Z, Y = "10.0.0.1", "10.0.0.2", "10.0.0.3"  # two clients that loop calls, and a learner


@contextlib.asynccontextmanager
async def _learners(app, *addresses):
    """An HTTP client per address, all on the app in this event loop."""
    async with contextlib.AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app, client=(a, 1234)), base_url="http://t"
                )
            )
            for a in addresses
        ]


async def _made(learner, config) -> str:
    r = await learner.post("/api/sessions", json=config)
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _step(learner, sid, n) -> httpx.Response:
    return await learner.post(f"/api/sessions/{sid}/step", json={"n": n})


async def _until(condition, what: str) -> None:
    for _ in range(10_000):  # a bound on a hang (some seconds), not a measurement
        if condition():
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"never: {what}")


def test_a_learner_who_finds_every_worker_busy_waits_and_goes_before_a_looping_clients_next_call():
    async def main():
        app = create_app(Settings(max_sessions=20))
        work, store = app.state.workers, app.state.store
        async with _learners(app, X, Z, Y) as (x, z, y):
            sx, sz, sy = [await _made(c, CONFIGS["sgd"]) for c in (x, z, y)]
            n = _long_n(store.get(sx))
            # x's first call is a quarter of z's, so it ends first with most of z's call still to
            # run: x's next call then finds both slots held (two calls of one length end together)
            short = n // 4
            assert store.get(sx).leaves_loop(short)
            first = {
                asyncio.create_task(_step(x, sx, short)): (x, sx, short),
                asyncio.create_task(_step(z, sz, n)): (z, sz, n),
            }
            await _until(lambda: work.running == 2, "both first calls in a worker")
            asked = asyncio.create_task(_step(y, sy, n))
            await _until(lambda: store.get(sy).busy or asked.done(), "the learner's call arrives")
            (ended,), (going,) = await asyncio.wait(first, return_when=asyncio.FIRST_COMPLETED)
            assert ended.result().status_code == 200, ended.result().text
            # the freed slot went to the learner who was waiting (not refused with 429) ...
            assert work.held[Y] == 1, asked.result().text if asked.done() else "the learner holds no slot"
            # ... so the client whose call ended, asking again at once, waits behind it
            learner, sid, taken = first[ended]
            # (short again: the calls that ended have corrected the cost of a step, so the most a
            # call may take may now be below n, and n would be refused)
            asked_again = min(short, store.get(sid).max_steps())
            again = asyncio.create_task(_step(learner, sid, asked_again))
            await _until(lambda: len(work.waiting) == 1, "the looping client's next call waits")
            answers = await asyncio.gather(asked, going, again)
        assert [r.status_code for r in answers] == [200, 200, 200], [r.text for r in answers]
        assert answers[0].json()["state"]["step"] == n
        assert answers[2].json()["state"]["step"] == taken + asked_again
        assert work.running == 0 and not work.held and not work.waiting

    run_in_own_loop(main())


def test_a_learner_among_clients_looping_calls_back_to_back_is_answered_every_time():
    async def main():
        app = create_app(Settings(max_sessions=20))
        work, store = app.state.workers, app.state.store
        async with _learners(app, X, Z, Y) as (x, z, y):
            loops = [(x, await _made(x, CONFIGS["sgd"])) for _ in range(2)]  # X loops on two sessions
            loops.append((z, await _made(z, CONFIGS["sgd"])))
            mine = await _made(y, CONFIGS["sgd"])
            n = max(1, _long_n(store.get(mine)) // 4)
            assert store.get(mine).leaves_loop(n)
            stop, theirs = asyncio.Event(), []

            async def loop(learner, sid):
                while not stop.is_set():
                    r = await _step(learner, sid, n)
                    theirs.append(r)
                    if r.status_code == 429:  # past its address's share: it asks again at once
                        await asyncio.sleep(0.01)

            looping = [asyncio.create_task(loop(*both)) for both in loops]
            await _until(lambda: work.running == 2, "the looping clients hold both workers")
            answers = []
            for _ in range(3):
                answers.append(await _step(y, mine, n))
            stop.set()
            await asyncio.gather(*looping)
        assert [r.status_code for r in answers] == [200] * 3, [r.text for r in answers]
        assert answers[-1].json()["state"]["step"] == 3 * n
        # the looping clients were answered too, or told that their address holds its share
        assert all(r.status_code == 200 or "from your address" in r.json()["message"] for r in theirs)
        assert any(r.status_code == 200 for r in theirs)
        assert work.running == 0 and not work.held and not work.waiting

    run_in_own_loop(main())


def test_a_worker_killed_during_a_call_fails_that_call_only():
    async def main():
        app = create_app(Settings(max_sessions=20))
        work, store = app.state.workers, app.state.store
        async with _learners(app, X, Y) as (x, y):
            killed, kept = await _made(x, CONFIGS["sgd"]), await _made(y, CONFIGS["sgd"])
            twin = store.get(await _made(y, CONFIGS["sgd"]))
            before = (await x.get(f"/api/sessions/{killed}/export")).json()
            n = _long_n(store.get(killed))
            doomed = asyncio.create_task(_step(x, killed, n))
            await _until(lambda: len(work.jobs) == 1, "the first call in its worker")
            (slot,) = work.jobs
            going = asyncio.create_task(_step(y, kept, n))
            await _until(lambda: len(work.jobs) == 2, "the second call in its worker")
            (other,) = set(work.jobs) - {slot}
            pid, other_pid = _pid(slot), _pid(other)
            os.kill(pid, signal.SIGKILL)
            r = await doomed
            assert r.status_code == 503 and "worker" in r.json()["message"], r.text
            assert r.headers["Retry-After"] == "1"
            # the other call, in the other worker, is answered as the loop would answer it
            r = await going
            assert r.status_code == 200, r.text
            assert orjson.loads(r.content) == orjson.loads(step_answer(twin, *twin.run_steps(n)))
            assert (await x.get(f"/api/sessions/{killed}/export")).json() == before
            # the killed call's session steps again, in a new worker; the other worker is the same
            # (as many steps as its budget allows now: a busy machine may have lowered it since)
            again = _long_n(store.get(killed))
            r = await _step(x, killed, again)
            assert r.status_code == 200 and r.json()["state"]["step"] == again, r.text
            assert _pid(slot) != pid and _pid(other) == other_pid
        assert work.running == 0 and not work.held

    run_in_own_loop(main())


def test_a_call_cancelled_in_its_worker_keeps_its_slot_until_the_worker_is_done():
    async def main():
        work = workers.Workers(2)
        session = new_session("cancelled", ConfigIn(**CONFIGS["sgd"]))
        n = _long_n(session)
        call = asyncio.create_task(work.steps(session, n, False, step_answer, X))
        await _until(lambda: work.jobs, "the call in its worker")
        call.cancel()  # its client went away; the worker goes on with the steps
        with contextlib.suppress(asyncio.CancelledError):
            await call
        assert call.cancelled() and not session.busy
        assert work.running == 1 and dict(work.held) == {X: 1}  # one call of X's, still running
        await _until(lambda: work.running == 0, "the worker's call ends")
        assert not work.held and session.step == 0  # what it did was not kept
        await work.steps(session, n, False, step_answer, X)
        assert session.step == n

    run_in_own_loop(main())
