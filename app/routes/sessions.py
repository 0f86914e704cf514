"""The session API: create, read, step, reset, set weights, predict, gradcheck, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from app.responses import FastJSON
from app.schemas import ConfigIn, PredictIn, ResetIn, StepIn, WeightsIn
from app.sessions import Session, SessionStore

router = APIRouter(prefix="/api/sessions", tags=["sessions"], default_response_class=FastJSON)

# Work above this many weight-steps leaves the event loop, so other learners'
# small steps are not held up behind one long fast-forward.
_THREAD_WORK = 200_000


def get_store(request: Request) -> SessionStore:
    return request.app.state.store


Store = Annotated[SessionStore, Depends(get_store)]


def get_session(session_id: str, store: Store) -> Session:
    return store.get(session_id)


CurrentSession = Annotated[Session, Depends(get_session)]


@router.post("", status_code=201)
async def create_session(store: Store, config: ConfigIn | None = None) -> FastJSON:
    session = store.create(config or ConfigIn())
    return FastJSON(session.public(), status_code=201)


@router.get("/{session_id}")
async def read_session(session: CurrentSession) -> FastJSON:
    return FastJSON(session.public())


@router.delete("/{session_id}", status_code=204)
async def delete_session(session_id: str, store: Store) -> Response:
    store.delete(session_id)
    return Response(status_code=204)


@router.post("/{session_id}/step")
async def step(session: CurrentSession, body: StepIn | None = None) -> FastJSON:
    n = (body or StepIn()).n
    async with session.lock:
        if n * session.n_weights > _THREAD_WORK:
            trace, losses = await run_in_threadpool(session.take_steps, n)
        else:
            trace, losses = session.take_steps(n)
        return FastJSON({"state": session.state(weights=False), "trace": trace, "losses": losses})


@router.post("/{session_id}/reset")
async def reset(session: CurrentSession, body: ResetIn | None = None) -> FastJSON:
    seed = body.seed if body is not None and body.seed is not None else session.config.seed
    async with session.lock:
        session.reset(seed)
        return FastJSON(session.public())


@router.put("/{session_id}/weights")
async def put_weights(session: CurrentSession, body: Annotated[WeightsIn, Body()]) -> FastJSON:
    async with session.lock:
        session.set_weights(body.A, body.B)
        return FastJSON(session.public())


@router.post("/{session_id}/predict")
async def predict(session: CurrentSession, body: Annotated[PredictIn, Body()]) -> FastJSON:
    return FastJSON({"y_hat": session.predict(body.s)})


@router.get("/{session_id}/gradcheck")
async def gradcheck(session: CurrentSession) -> FastJSON:
    async with session.lock:
        return FastJSON(await run_in_threadpool(session.gradcheck))
