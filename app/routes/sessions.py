"""The session API: create, read, step, reset, set weights, predict, gradcheck, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from app.responses import FastJSON
from app.schemas import (
    ConfigIn,
    DivergedOut,
    ErrorOut,
    GradcheckOut,
    PredictIn,
    PredictOut,
    ResetIn,
    SessionOut,
    StepIn,
    StepOut,
    WeightsIn,
)
from app.sessions import Session, SessionStore

router = APIRouter(prefix="/api/sessions", tags=["sessions"], default_response_class=FastJSON)

# What every answer may be besides success, for the OpenAPI schema.
_ERRORS = {
    404: {"model": ErrorOut, "description": "no session with this id"},
    413: {"model": ErrorOut, "description": "request body too large"},
    422: {"model": ErrorOut, "description": "a value out of bounds, naming the field and the limit"},
}


def _answers(model, status: int = 200, extra: dict | None = None) -> dict:
    return {"responses": {status: {"model": model}, **_ERRORS, **(extra or {})}}


# Work above this many weight-steps leaves the event loop, so other learners'
# small steps are not held up behind one long fast-forward.
_THREAD_WORK = 200_000


def get_store(request: Request) -> SessionStore:
    return request.app.state.store


Store = Annotated[SessionStore, Depends(get_store)]


def get_session(session_id: str, store: Store) -> Session:
    return store.get(session_id)


CurrentSession = Annotated[Session, Depends(get_session)]


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


@router.post(
    "/{session_id}/step", **_answers(StepOut, extra={409: {"model": DivergedOut, "description": "diverged"}})
)
async def step(session: CurrentSession, body: StepIn | None = None) -> FastJSON:
    n = (body or StepIn()).n
    async with session.lock:
        if n * session.n_weights > _THREAD_WORK:
            trace, losses = await run_in_threadpool(session.take_steps, n)
        else:
            trace, losses = session.take_steps(n)
        return FastJSON({"state": session.state(weights=False), "trace": trace, "losses": losses})


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


@router.get("/{session_id}/gradcheck", **_answers(GradcheckOut))
async def gradcheck(session: CurrentSession) -> FastJSON:
    async with session.lock:
        return FastJSON(await run_in_threadpool(session.gradcheck))
