"""The step stays on its fast, visible path: a plain route matched first, described as StepIn."""

from __future__ import annotations

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
