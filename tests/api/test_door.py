"""At the door: JSON bodies only on requests that change something, and WebSockets only
from this server's own page (or an origin configured)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from app.main import create_app
from app.settings import Settings

NOT_JSON = [
    "text/plain",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json-patch+json",
    "text/json",
]


@pytest.mark.parametrize("content_type", NOT_JSON)
@pytest.mark.parametrize(
    ("method", "path"),
    [("post", ""), ("post", "/step"), ("post", "/reset"), ("put", "/weights"), ("post", "/predict")],
)
def test_a_body_that_is_not_sent_as_json_is_415(client, make_session, content_type, method, path):
    sid = make_session()["id"]
    url = f"/api/sessions{f'/{sid}' + path if path else ''}"
    r = client.request(method, url, content=b'{"n": 3}', headers={"content-type": content_type})
    assert r.status_code == 415, (url, content_type, r.text)
    assert r.json()["message"].startswith("Content-Type:") and "application/json" in r.json()["message"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"/api/sessions/{sid}").json()["state"]["step"] == 0


def test_a_body_without_a_content_type_is_415(client, make_session):
    sid = make_session()["id"]
    r = client.post(f"/api/sessions/{sid}/step", content=b'{"n": 3}')
    assert r.status_code == 415 and "Content-Type" in r.json()["message"]
    r = client.request("DELETE", f"/api/sessions/{sid}", content=b"{}")
    assert r.status_code == 415
    assert client.get(f"/api/sessions/{sid}").status_code == 200


def test_a_declared_type_that_is_not_json_is_415_even_without_a_body(client, make_session):
    # An empty form post from a page elsewhere must not step a session either.
    sid = make_session()["id"]
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        r = client.post(f"/api/sessions/{sid}/step", headers={"content-type": content_type})
        assert r.status_code == 415, r.text
    assert client.get(f"/api/sessions/{sid}").json()["state"]["step"] == 0


def test_json_with_a_charset_and_bodiless_requests_go_through(client, make_session):
    json_types = ("application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8")
    for content_type in json_types:
        r = client.post("/api/sessions", content=b'{"hidden": 3}', headers={"content-type": content_type})
        assert r.status_code == 201, (content_type, r.text)
    sid = make_session()["id"]
    assert client.post(f"/api/sessions/{sid}/step").status_code == 200  # no body: one step
    assert client.post(f"/api/sessions/{sid}/reset").status_code == 200
    assert client.post("/api/sessions").status_code == 201
    assert client.delete(f"/api/sessions/{sid}").status_code == 204  # as the page deletes
    # Reading is not changing: a GET is not asked for a content type.
    assert client.get("/healthz", headers={"content-type": "text/plain"}).status_code == 200


def _play(client: TestClient, sid: str, origin: str | None):
    headers = {} if origin is None else {"origin": origin}
    return client.websocket_connect(f"/api/sessions/{sid}/play", headers=headers)


@pytest.mark.parametrize(
    "origin",
    ["http://elsewhere.example", "http://testserver.example", "http://testserver:8080", "null", "testserver"],
)
def test_a_websocket_from_a_page_elsewhere_is_403_before_it_is_accepted(client, make_session, origin):
    sid = make_session()["id"]
    with pytest.raises(WebSocketDenialResponse) as refused, _play(client, sid, origin):
        pass
    assert refused.value.status_code == 403
    assert refused.value.json()["message"].startswith("Origin:")
    assert "CORS_ORIGINS" in refused.value.json()["message"]
    assert client.get(f"/api/sessions/{sid}").json()["state"]["step"] == 0


@pytest.mark.parametrize("origin", [None, "http://testserver", "https://testserver", "HTTP://TestServer"])
def test_a_websocket_from_this_server_or_from_no_browser_plays(client, make_session, origin):
    sid = make_session()["id"]
    with _play(client, sid, origin) as ws:
        assert ws.receive_json()["type"] == "frame"


def test_a_websocket_from_an_origin_in_cors_origins_plays():
    app = create_app(Settings(cors_origins="http://course.example, https://other.example/"))
    with TestClient(app) as client:
        sid = client.post("/api/sessions").json()["id"]
        for origin in ("http://course.example", "https://other.example"):
            with _play(client, sid, origin) as ws:
                assert ws.receive_json()["type"] == "frame"
        with pytest.raises(WebSocketDenialResponse), _play(client, sid, "http://third.example"):
            pass
