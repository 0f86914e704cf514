"""Concurrent steps on one session are serialized: none is lost."""

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
            # large calls run in worker threads, small ones on the event loop: mix both
            sizes = [3000 if i % 3 == 0 else 1 + i for i in range(50)]
            rs = await asyncio.gather(*(c.post(f"/api/sessions/{sid}/step", json={"n": n}) for n in sizes))
            assert all(r.status_code == 200 for r in rs)
            steps = sorted(r.json()["state"]["step"] for r in rs)
            assert len(set(steps)) == 50  # each call saw a distinct, serialized state
            final = (await c.get(f"/api/sessions/{sid}")).json()["state"]["step"]
            assert final == sum(sizes) == steps[-1]

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
