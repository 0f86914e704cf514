"""Shared fixtures: an app with small limits, a client for it, and a real redis-server."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.redis_server import INSTALL, REDIS_SERVER, RedisServer, redis_server


@pytest.fixture
def settings() -> Settings:
    return Settings(max_sessions=50, session_idle_seconds=600)


@pytest.fixture
def client(settings: Settings) -> TestClient:
    with TestClient(create_app(settings)) as c:
        yield c


def stored(client: TestClient) -> int:
    """How many sessions the client's app holds, whichever its store."""
    return client.portal.call(client.app.state.store.count)


@pytest.fixture
def make_session(client: TestClient):
    def make(**config) -> dict:
        r = client.post("/api/sessions", json=config)
        assert r.status_code == 201, r.text
        return r.json()

    return make


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    """A redis-server of this test's own, stopped after it (never skipped: install it)."""
    if not shutil.which(REDIS_SERVER):
        pytest.fail(f"this test needs {REDIS_SERVER}; install it with:  {INSTALL}", pytrace=False)
    with redis_server() as server:
        yield server


@pytest.fixture(scope="session")
def shared_redis() -> Iterator[RedisServer]:
    """One redis-server for a whole run of tests that each start from an empty one (see fresh_redis)."""
    if not shutil.which(REDIS_SERVER):
        pytest.fail(f"this test needs {REDIS_SERVER}; install it with:  {INSTALL}", pytrace=False)
    with redis_server() as server:
        yield server


@pytest.fixture
def fresh_redis(shared_redis: RedisServer) -> RedisServer:
    """The shared redis-server, emptied for this test."""
    import redis as redis_client

    with redis_client.Redis.from_url(shared_redis.url) as r:
        r.flushall()
    return shared_redis


def run_in_own_loop(coro):
    """asyncio.run(coro) in a thread of its own: a browser test's driver may have left an
    event loop running in this one, where asyncio.run refuses to start another."""
    import threading

    out: dict = {}

    def main() -> None:
        try:
            out["value"] = asyncio.run(coro)
        except BaseException as e:  # raised again in the test's own thread
            out["error"] = e

    thread = threading.Thread(target=main)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]
