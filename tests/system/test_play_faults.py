"""Players that vanish without a goodbye, against a real uvicorn server on loopback.

The server runs in a thread of this process, so the test can look inside its
event loop afterwards: no ticker task, no held lock, no stream counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time

import httpx
import pytest
import uvicorn
from websockets.sync.client import connect

from app.api.routes.play import TICKER_NAME
from app.main import create_app
from app.settings import Settings
from tests.live_server import free_port


@pytest.fixture
def server():
    app = create_app(Settings(max_sessions=50))
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(srv.serve(),), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield app, loop, f"127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _inside(loop, fn):
    """Run fn() on the server's loop and return its result."""

    async def call():
        return fn()

    return asyncio.run_coroutine_threadsafe(call(), loop).result(timeout=10)


def _tickers() -> int:
    return sum(1 for t in asyncio.all_tasks() if t.get_name() == TICKER_NAME and not t.done())


def test_players_that_vanish_mid_play_leave_nothing_behind(server):
    app, loop, host = server
    sid = httpx.post(f"http://{host}/api/sessions", json={"dataset": "circle", "hidden": 8}).json()["id"]
    with contextlib.ExitStack() as stack:
        sockets = []
        for _ in range(4):  # the per-session limit
            ws = stack.enter_context(connect(f"ws://{host}/api/sessions/{sid}/play", open_timeout=10))
            ws.send(json.dumps({"rate": 60, "steps_per_frame": 5}))
            assert json.loads(ws.recv(timeout=10))["type"] == "frame"
            sockets.append(ws)
        assert _inside(loop, _tickers) == 4
        for ws in sockets:  # the TCP connection simply drops: no close frame
            ws.socket.shutdown(socket.SHUT_RDWR)
            ws.socket.close()
    deadline = time.monotonic() + 15
    while _inside(loop, _tickers) or _inside(loop, lambda: dict(app.state.store.plays.playing)):
        assert time.monotonic() < deadline, "a ticker outlived its connection"
        time.sleep(0.1)
    session = app.state.store.get(sid)
    assert not _inside(loop, session.lock.locked)
    # the session still steps, and new players may join up to the limit again
    before = httpx.get(f"http://{host}/api/sessions/{sid}").json()["state"]["step"]
    r = httpx.post(f"http://{host}/api/sessions/{sid}/step", json={"n": 2})
    assert r.status_code == 200 and r.json()["state"]["step"] == before + 2
    with connect(f"ws://{host}/api/sessions/{sid}/play", open_timeout=10) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "frame"
