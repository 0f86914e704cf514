"""The API suite runs twice: against the embedded MemoryStore and against a real Redis."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.settings import Settings

STORES = ["memory", "redis"]


@pytest.fixture(params=STORES)
def store_kind(request) -> str:
    return request.param


@pytest.fixture
def settings(store_kind: str, request) -> Settings:
    redis_url = request.getfixturevalue("fresh_redis").url if store_kind == "redis" else None
    return Settings(max_sessions=50, session_idle_seconds=600, redis_url=redis_url)


@pytest.fixture
def teaching(client: TestClient, make_session) -> tuple[str, dict]:
    """A session and the class it teaches."""
    session = make_session()
    r = client.post("/api/classes", json={"session": session["id"]})
    assert r.status_code == 201, r.text
    return session["id"], r.json()
