"""Concurrent steps on one session are serialized: none is lost, none doubled, and a second
long call while one runs is refused (429), not queued."""

from __future__ import annotations

import asyncio
import threading

import httpx

from app.main import create_app
from app.settings import Settings


def test_concurrent_steps_on_one_session_lose_none():
    async def main():
        app = create_app(Settings(max_sessions=10))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            r = await c.post("/api/sessions", json={"dataset": "circle", "hidden": 64})
            sid = r.json()["id"]
            # large calls run in worker processes, small ones on the event loop: mix both
            sizes = [3000 if i % 3 == 0 else 1 + i for i in range(50)]
            rs = await asyncio.gather(*(c.post(f"/api/sessions/{sid}/step", json={"n": n}) for n in sizes))
            done = [(n, r) for n, r in zip(sizes, rs, strict=True) if r.status_code == 200]
            refused = [n for n, r in zip(sizes, rs, strict=True) if r.status_code == 429]
            # a long call while another of the session's runs is turned away, never queued or lost
            assert len(done) + len(refused) == 50 and 3000 in {n for n, _ in done}
            steps = sorted(r.json()["state"]["step"] for _, r in done)
            assert len(set(steps)) == len(done)  # each call saw a distinct, serialized state
            final = (await c.get(f"/api/sessions/{sid}")).json()["state"]["step"]
            assert final == sum(n for n, _ in done) == steps[-1]

    # A loop of its own, in a thread of its own: another test's browser driver may
    # already run an event loop in this thread.
    errors = []
    thread = threading.Thread(target=lambda: _run(main, errors))
    thread.start()
    thread.join()
    assert not errors, errors[0]


def _run(main, errors) -> None:
    try:
        asyncio.run(main())
    except BaseException as e:  # reported by the test, in its own thread
        errors.append(e)
