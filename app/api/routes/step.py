"""The step: the request a class makes most, served by a plain Starlette route.

Its endpoint reads its own path and body and makes its own Response, so FastAPI's
request handling (parameters, dependencies, body, response) would do nothing for it
but cost a third of the request.  app/main.py puts `route` first in the app, so it
is the one matched; `router`'s FastAPI route of the same path, behind it, only
describes the step in the OpenAPI schema, with StepIn as its body.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from app.api.json import FastJSON, read_body
from app.api.routes.common import answers
from app.api.schemas import DivergedOut, ErrorOut, StepIn, StepOut

PATH = "/api/sessions/{session_id}/step"


async def step(request: Request) -> FastJSON:
    session = request.app.state.store.get(request.path_params["session_id"])
    asked = _steps_asked(await request.body())
    n, to_end = asked.n, asked.to_episode_end
    if session.leaves_loop(session.steps_for(n, to_end)):  # 422 here when n is past the budget
        with request.app.state.workers.slot(session):
            async with session.lock:
                # The answer is encoded in the thread too: a large network's trace is
                # hundreds of thousands of numbers, milliseconds of the loop's time.
                return await run_in_threadpool(lambda: _answer(session, *session.take_steps(n, to_end)))
    async with session.lock:
        return _answer(session, *session.take_steps(n, to_end))


def _answer(session, trace, losses) -> FastJSON:
    return FastJSON({"state": session.state(weights=False), "trace": trace, "losses": losses})


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
