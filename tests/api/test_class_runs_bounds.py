"""The class's own runs cost a bounded amount, on both stores (tests/api/conftest.py): each run's
session is read at most once a second for the class however many teacher tabs watch it, and a
student who floods `mine` is closed as one who floods answers, the class going on without them."""

from __future__ import annotations

import time

import pytest

from app import limits
from tests.api.test_class_runs import Released, mine, runs_until, step
from tests.api.test_classes import hello


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
