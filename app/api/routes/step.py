"""The step: the request a class makes most, served by a plain Starlette route.

Its endpoint reads its own path and body and makes its own Response, so FastAPI's
request handling (parameters, dependencies, body, response) would do nothing for it
but cost a third of the request.  app/main.py puts `route` first in the app, so it
is the one matched; `router`'s FastAPI route of the same path, behind it, only
describes the step in the OpenAPI schema, with StepIn as its body.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.routing import Route

from app.api import work
from app.api.json import FastJSON, read_body
from app.api.routes.common import answers
from app.api.schemas import DivergedOut, ErrorOut, StepIn, StepOut
from app.sessions import Session

PATH = "/api/sessions/{session_id}/step"


async def step(request: Request) -> Response:
    asked = _steps_asked(await request.body())
    n, to_end = asked.n, asked.to_episode_end
    workers = request.app.state.workers

    async def change(session: Session) -> bytes:
        steps = session.steps_for(n, to_end)  # 422 here when n is past the budget
        if session.leaves_loop(steps):
            return await workers.steps(session, steps, to_end, work.answer)
        return work.answer(session, *session.run_steps(steps, to_end))

    def long(session: Session) -> bool:
        return session.leaves_loop(session.steps_for(n, to_end))

    session_id = request.path_params["session_id"]
    body = await request.app.state.store.update(session_id, change, long)
    await request.app.state.classroom.stepped(session_id, body)  # a class's teacher: to its students
    return Response(body, media_type="application/json")


def _steps_asked(body: bytes) -> StepIn:
    if not body.strip() or body.strip() == b"null":
        return StepIn()
    return read_body(StepIn, body)


route = Route(PATH, step, methods=["POST"])

router = APIRouter(tags=["sessions"], default_response_class=FastJSON)
router.add_api_route(
    PATH,
    step,
    methods=["POST"],
    openapi_extra={
        "parameters": [{"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"content": {"application/json": {"schema": StepIn.model_json_schema()}}},
    },
    **answers(
        StepOut,
        extra={
            409: {"model": DivergedOut, "description": "diverged"},
            429: {"model": ErrorOut, "description": "long calls are running: see Retry-After"},
        },
    ),
)
