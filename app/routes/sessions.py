"""The session API: create, read, step, reset, set weights, predict, gradcheck, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from app.documents import SessionDocument, export_document, import_document
from app.responses import FastJSON
from app.schemas import (
    ConfigIn,
    DivergedOut,
    ErrorOut,
    GradcheckOut,
    InputError,
    PredictIn,
    PredictOut,
    ResetIn,
    SampleIn,
    SessionOut,
    StepIn,
    StepOut,
    ValuesOut,
    WeightsIn,
)
from app.sessions import THREAD_WORK, Session, SessionStore
from app.tdsession import TDSession

router = APIRouter(prefix="/api/sessions", tags=["sessions"], default_response_class=FastJSON)

# What every answer may be besides success, for the OpenAPI schema.
_ERRORS = {
    404: {"model": ErrorOut, "description": "no session with this id"},
    413: {"model": ErrorOut, "description": "request body too large"},
    422: {"model": ErrorOut, "description": "a value out of bounds, naming the field and the limit"},
}


def _answers(model, status: int = 200, extra: dict | None = None) -> dict:
    return {"responses": {status: {"model": model}, **_ERRORS, **(extra or {})}}


async def get_store(request: Request) -> SessionStore:
    return request.app.state.store


Store = Annotated[SessionStore, Depends(get_store)]


async def get_session(session_id: str, store: Store) -> Session:
    return store.get(session_id)


CurrentSession = Annotated[Session, Depends(get_session)]


# The route a class presses most.  Its endpoint reads its own path and body and
# makes its own Response, so FastAPI's request handling (parameters, dependencies,
# body, response) would do nothing for it but cost a third of the request.  It is
# served by a plain Starlette route that the app puts first (see app/main.py); the
# FastAPI route of the same path, behind it, only describes it in the schema.
step_router = APIRouter(prefix="/api/sessions", tags=["sessions"], default_response_class=FastJSON)
_STEP_OPENAPI = {
    "parameters": [{"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}}],
    "requestBody": {"content": {"application/json": {"schema": StepIn.model_json_schema()}}},
}


@step_router.post(
    "/{session_id}/step",
    openapi_extra=_STEP_OPENAPI,
    **_answers(StepOut, extra={409: {"model": DivergedOut, "description": "diverged"}}),
)
async def step(request: Request) -> FastJSON:
    session = request.app.state.store.get(request.path_params["session_id"])
    asked = _steps_asked(await request.body())
    n, to_end = asked.n, asked.to_episode_end
    async with session.lock:
        if n * session.n_weights > THREAD_WORK:
            trace, losses = await run_in_threadpool(session.take_steps, n, to_end)
        else:
            trace, losses = session.take_steps(n, to_end)
        return FastJSON({"state": session.state(weights=False), "trace": trace, "losses": losses})


step_route = Route("/api/sessions/{session_id}/step", step, methods=["POST"])


def _steps_asked(body: bytes) -> StepIn:
    if not body.strip() or body.strip() == b"null":
        return StepIn()
    try:
        return StepIn.model_validate_json(body)
    except ValidationError as e:
        raise RequestValidationError(e.errors(include_url=False)) from None


@router.post("", status_code=201, **_answers(SessionOut, 201))
async def create_session(store: Store, config: ConfigIn | None = None) -> FastJSON:
    session = store.create(config or ConfigIn())
    return FastJSON(session.public(), status_code=201)


@router.get("/{session_id}", **_answers(SessionOut))
async def read_session(session: CurrentSession) -> FastJSON:
    return FastJSON(session.public())


@router.delete("/{session_id}", status_code=204, **_answers(None, 204))
async def delete_session(session_id: str, store: Store) -> Response:
    store.delete(session_id)
    return Response(status_code=204)


@router.post("/{session_id}/reset", **_answers(SessionOut))
async def reset(session: CurrentSession, body: ResetIn | None = None) -> FastJSON:
    seed = body.seed if body is not None and body.seed is not None else session.config.seed
    async with session.lock:
        session.reset(seed)
        return FastJSON(session.public())


@router.put("/{session_id}/weights", **_answers(SessionOut))
async def put_weights(session: CurrentSession, body: Annotated[WeightsIn, Body()]) -> FastJSON:
    async with session.lock:
        session.set_weights(body.A, body.B)
        return FastJSON(session.public())


@router.post("/{session_id}/predict", **_answers(PredictOut))
async def predict(session: CurrentSession, body: Annotated[PredictIn, Body()]) -> FastJSON:
    return FastJSON({"y_hat": session.predict(body.s)})


@router.get("/{session_id}/values", **_answers(ValuesOut))
async def values(session: CurrentSession) -> FastJSON:
    """TD mode: the network's value of every state, the true values and the RMS value error."""
    if not isinstance(session, TDSession):
        raise InputError("environment", "values are for TD sessions; this one learns from a data set")
    return FastJSON(session.values())


@router.get("/{session_id}/gradcheck", **_answers(GradcheckOut))
async def gradcheck(session: CurrentSession) -> FastJSON:
    async with session.lock:
        return FastJSON(await run_in_threadpool(session.gradcheck))


@router.put("/{session_id}/sample", **_answers(SessionOut))
async def put_sample(session: CurrentSession, body: Annotated[SampleIn, Body()]) -> FastJSON:
    async with session.lock:
        session.set_sample(body.index, body.s, body.y)
        return FastJSON(session.public())


@router.get("/{session_id}/export", **_answers(SessionDocument))
async def export_session(session: CurrentSession) -> FastJSON:
    async with session.lock:
        return FastJSON(export_document(session))


@router.post("/import", status_code=201, **_answers(SessionOut, 201))
async def import_session(store: Store, doc: Annotated[SessionDocument, Body()]) -> FastJSON:
    session = store.add(import_document(doc, store.new_id()))
    return FastJSON(session.public(), status_code=201)
