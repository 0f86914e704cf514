"""Limits at the door, headers on every answer, and nothing of the server's insides in an error."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings


def test_security_headers_on_page_api_and_errors(client):
    for r in (client.get("/"), client.get("/healthz"), client.get("/api/sessions/nope"),
              client.post("/api/sessions", json={"hidden": 0})):  # fmt: skip
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_files_carry_nosniff_and_no_document_headers(client):
    for path in ("/static/main.js", "/static/style.css", "/vendor/katex/katex.min.js"):
        r = client.get(path)
        assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff", path
        assert "content-security-policy" not in r.headers and "x-frame-options" not in r.headers, path


def test_page_has_no_inline_script(client):
    html = client.get("/").text
    assert "<script>" not in html and "onclick" not in html.lower()
    # the page's script is a file of its own (the bundle), never text in the page
    assert re.search(r'<script type="module" src="/(bundle|static)/main\.js"></script>', html)


def test_no_cors_unless_configured(client):
    r = client.get("/healthz", headers={"origin": "http://elsewhere.example"})
    assert "access-control-allow-origin" not in r.headers
    with TestClient(create_app(Settings(cors_origins="http://course.example"))) as c:
        r = c.get("/healthz", headers={"origin": "http://course.example"})
        assert r.headers["access-control-allow-origin"] == "http://course.example"


def test_oversized_body_is_413_before_parsing():
    with TestClient(create_app(Settings(max_body_bytes=4096))) as c:
        big = b'{"data": {"s": [' + b"[1.0]," * 2000 + b'[1.0]], "y": [[1.0]]}}'
        r = c.post("/api/sessions", content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert "4096" in r.json()["message"]
        assert r.headers["x-content-type-options"] == "nosniff"


def test_oversized_chunked_body_is_413():
    with TestClient(create_app(Settings(max_body_bytes=4096))) as c:

        def chunks():
            for _ in range(100):
                yield b" " * 100
            yield b"{}"

        r = c.post("/api/sessions", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413
        small = c.post(
            "/api/sessions", content=iter([b"{", b"}"]), headers={"content-type": "application/json"}
        )
        assert small.status_code == 201


@pytest.mark.parametrize(
    "body",
    [b"{", b"[1, 2]", b'"text"', b'{"hidden": 1e999}', b"\xff\xfe", b'{"n": 1}' * 3],
)
def test_malformed_json_is_422_never_500(client, body):
    r = client.post("/api/sessions", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, (body, r.text)
    assert "message" in r.json() and "Traceback" not in r.text


def test_errors_carry_no_stack_trace():
    app = create_app(Settings())

    @app.get("/boom")
    async def boom():
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
    assert r.status_code == 500
    assert "secret" not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
    assert r.json()["message"].startswith("internal error")


def test_no_endpoint_lists_sessions(client, make_session):
    sid = make_session()["id"]
    for path in ("/api/sessions", "/api/sessions/", "/api/sessions/*", "/api"):
        r = client.get(path)
        assert r.status_code in (404, 405), path
        assert sid not in r.text
    assert sid not in client.get("/openapi.json").text


def test_session_ids_are_unguessable_and_unrelated(client):
    ids = [client.post("/api/sessions", json={}).json()["id"] for _ in range(20)]
    assert len(set(ids)) == 20
    assert all(len(i) >= 32 for i in ids)  # 24 random bytes, url-safe base64
    # a near miss of a real id finds nothing
    near = ids[0][:-1] + ("A" if ids[0][-1] != "A" else "B")
    assert client.get(f"/api/sessions/{near}").status_code == 404


def test_no_page_that_loads_from_a_cdn(client):
    # FastAPI's /docs and /redoc pages fetch their scripts from the internet.
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200
