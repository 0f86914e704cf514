"""The step stays on its fast, visible paths: answered ahead of the app when the door would let it
through untouched, else by a plain route matched first; described as StepIn."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.middleware import Middleware
from starlette.routing import Match, Route

from app.api.routes import step
from app.api.schemas import StepIn
from app.limits import MAX_STEPS
from app.main import create_app


def _first_match(app, method: str, path: str):
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route
    return None


def test_the_plain_step_route_is_the_one_matched(settings):
    app = create_app(settings)
    route = _first_match(app, "POST", "/api/sessions/some-id/step")
    assert route is step.route
    assert type(route) is Route  # Starlette's own, not FastAPI's APIRoute
    # and the other session routes are FastAPI's, behind it
    assert _first_match(app, "POST", "/api/sessions/some-id/reset") is not step.route


def test_the_schema_describes_the_step_body_as_the_request_model(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/sessions/{session_id}/step"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == StepIn.model_json_schema()
    assert {"200", "404", "409", "422"} <= set(operation["responses"])


def test_the_step_route_and_the_model_agree_on_the_body(client, make_session):
    sid = make_session()["id"]
    assert client.post(f"/api/sessions/{sid}/step", json={"n": 3}).json()["state"]["step"] == 3
    r = client.post(f"/api/sessions/{sid}/step", json={"n": MAX_STEPS + 1})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "n"


class _Inside:
    """Records the requests that pass the door (Guard) into the app's inner layers."""

    def __init__(self, app) -> None:
        self.app = app
        self.paths: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self.paths.append(scope["path"])
        await self.app(scope, receive, send)


@pytest.fixture
def spied(settings):
    """A client for an app whose inner layers record what reaches them."""
    app = create_app(settings)
    spy = {}

    class Spy(_Inside):
        def __init__(self, inner) -> None:
            super().__init__(inner)
            spy["inside"] = self

    app.user_middleware.append(Middleware(Spy))  # the innermost of the app's own middleware
    with TestClient(app) as c:
        yield c, spy


def _chunked(body: bytes):
    yield body  # a generator body goes out chunked, with no Content-Length


def test_a_json_step_is_answered_before_the_app_and_others_go_through_it(spied):
    client, spy = spied
    sid = client.post("/api/sessions", json={}).json()["id"]
    inside = spy["inside"]
    inside.paths.clear()
    fast = client.post(f"/api/sessions/{sid}/step", json={"n": 2})
    assert fast.status_code == 200 and fast.json()["state"]["step"] == 2
    assert inside.paths == []  # answered by StepPath
    # chunked: the door reads and bounds the body, and the plain route answers
    json_type = {"Content-Type": "application/json"}
    slow = client.post(f"/api/sessions/{sid}/step", content=_chunked(b'{"n": 3}'), headers=json_type)
    assert slow.status_code == 200 and slow.json()["state"]["step"] == 5
    assert inside.paths == [f"/api/sessions/{sid}/step"]
    assert fast.json().keys() == slow.json().keys()
    for name in ("content-security-policy", "x-frame-options", "x-content-type-options", "content-type"):
        assert fast.headers[name] == slow.headers[name]


@pytest.mark.parametrize(
    "body, status, field",
    [
        (b'{"n": 0}', 422, "n"),  # out of bounds
        (b'{"n": "1"}', 422, "n"),  # no coercion
        (b'{"n": 1', 422, "body"),  # not JSON
        (b'{"n": 1, "n": 2}', 422, "body"),  # a key twice
    ],
)
def test_the_fast_path_refuses_as_the_app_does(spied, body, status, field):
    client, spy = spied
    sid = client.post("/api/sessions", json={}).json()["id"]
    headers = {"Content-Type": "application/json"}
    fast = client.post(f"/api/sessions/{sid}/step", content=body, headers=headers)
    slow = client.post(f"/api/sessions/{sid}/step", content=_chunked(body), headers=headers)
    assert fast.status_code == slow.status_code == status
    assert fast.json() == slow.json() and fast.json()["detail"][0]["field"] == field
    assert fast.headers["content-security-policy"] == slow.headers["content-security-policy"]
    assert client.get(f"/api/sessions/{sid}").json()["state"]["step"] == 0  # nothing changed


def test_the_fast_path_answers_an_unknown_session_as_the_app_does(spied):
    client, _ = spied
    headers = {"Content-Type": "application/json"}
    fast = client.post("/api/sessions/nobody/step", content=b'{"n": 1}', headers=headers)
    slow = client.post("/api/sessions/nobody/step", content=_chunked(b'{"n": 1}'), headers=headers)
    assert fast.status_code == slow.status_code == 404
    assert fast.json() == slow.json()
    assert fast.headers["x-frame-options"] == slow.headers["x-frame-options"] == "DENY"


def test_what_the_door_refuses_never_takes_the_fast_path(spied, settings):
    client, _ = spied
    sid = client.post("/api/sessions", json={}).json()["id"]
    path = f"/api/sessions/{sid}/step"
    assert client.post(path, content=b'{"n": 1}', headers={"Content-Type": "text/plain"}).status_code == 415
    too_large = b'{"n": 1}' + b" " * settings.max_body_bytes
    json_type = {"Content-Type": "application/json"}
    assert client.post(path, content=too_large, headers=json_type).status_code == 413
    assert client.get(f"/api/sessions/{sid}").json()["state"]["step"] == 0


def test_a_step_body_is_checked_once_and_a_refused_one_every_time(client, make_session):
    sid = make_session()["id"]
    path, json_type = f"/api/sessions/{sid}/step", {"Content-Type": "application/json"}
    for _ in range(2):  # a refusal is never kept
        assert client.post(path, content=b'{"n": 0}', headers=json_type).status_code == 422
    for k in range(step.ASKED_KEPT + 10):
        r = client.post(path, content=b'{"n": %d}' % (k % 300 + 1), headers=json_type)
        assert r.status_code == 200
    assert r.json()["state"]["step"] == sum(k % 300 + 1 for k in range(step.ASKED_KEPT + 10))
    assert len(step._asked) <= step.ASKED_KEPT  # bounded, whatever bodies come
    assert client.post(path, content=b'{"n": 0}', headers=json_type).status_code == 422
