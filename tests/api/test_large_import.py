"""A document larger than MAX_BODY_BYTES (a run's data and history are in it) imports and
continues the very same run; other requests keep the smaller limit, and imports their own."""

from __future__ import annotations

import orjson
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings

MAX_BODY = 200_000


@pytest.fixture
def small_bodies() -> TestClient:
    settings = Settings(max_sessions=20, max_body_bytes=MAX_BODY, max_import_bytes=4 * MAX_BODY)
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_document_past_the_body_limit_imports_and_continues_the_run(small_bodies):
    c = small_bodies
    config = {"environment": {"name": "random_walk", "states": 300}, "hidden": 40, "seed": 3}
    sid = c.post("/api/sessions", json=config).json()["id"]
    assert c.post(f"/api/sessions/{sid}/step", json={"n": 500}).status_code == 200
    document = c.get(f"/api/sessions/{sid}/export").content
    assert MAX_BODY < len(document) < 4 * MAX_BODY
    copy = c.post("/api/sessions/import", content=document, headers={"content-type": "application/json"})
    assert copy.status_code == 201, copy.text[:200]
    twin = copy.json()["id"]
    a = c.post(f"/api/sessions/{sid}/step", json={"n": 3}).json()
    b = c.post(f"/api/sessions/{twin}/step", json={"n": 3}).json()
    assert a["trace"]["A"] == b["trace"]["A"] and a["losses"] == b["losses"]


def test_other_requests_keep_the_body_limit_and_imports_their_own(small_bodies):
    c = small_bodies
    big = {"data": {"s": [[0.123456] * 200] * 300, "y": [[1.0]] * 300}}
    assert len(orjson.dumps(big)) > MAX_BODY
    r = c.post("/api/sessions", json=big)
    assert r.status_code == 413 and str(MAX_BODY) in r.json()["message"]
    huge = b'{"format": "' + b"x" * (4 * MAX_BODY) + b'"}'
    r = c.post("/api/sessions/import", content=huge, headers={"content-type": "application/json"})
    assert r.status_code == 413 and str(4 * MAX_BODY) in r.json()["message"]
