"""Shared fixtures: an app with small limits, and a client for it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings(max_sessions=50, session_idle_seconds=600)


@pytest.fixture
def client(settings: Settings) -> TestClient:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def make_session(client: TestClient):
    def make(**config) -> dict:
        r = client.post("/api/sessions", json=config)
        assert r.status_code == 201, r.text
        return r.json()

    return make
