"""The session API: create, read, reset, set weights, predict, gradcheck, edit D, export, import, delete.

The step has a module of its own (app/api/routes/step.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from app.api.json import FastJSON, JSONRoute
from app.api.routes.common import CREATE_ERRORS, Creator, CurrentSession, Store, answers
from app.api.schemas import (
    ConfigIn,
    GradcheckOut,
    PredictIn,
    PredictOut,
    ResetIn,
    SampleIn,
    SessionOut,
    ValuesOut,
    WeightsIn,
)
from app.sessions.documents import SessionDocument, export_document, import_document

# JSONRoute: bodies parsed by app/api/json.py's loads, which refuses a key given twice.
router = APIRouter(
    prefix="/api/sessions", tags=["sessions"], default_response_class=FastJSON, route_class=JSONRoute
)


@router.post("", status_code=201, **answers(SessionOut, 201, CREATE_ERRORS))
async def create_session(store: Store, client: Creator, config: ConfigIn | None = None) -> FastJSON:
    session = store.create(config or ConfigIn(), client)
    return FastJSON(session.public(), status_code=201)


@router.get("/{session_id}", **answers(SessionOut))
async def read_session(session: CurrentSession) -> FastJSON:
    return FastJSON(session.public())


@router.delete("/{session_id}", status_code=204, **answers(None, 204))
async def delete_session(session_id: str, store: Store) -> Response:
    store.delete(session_id)
    return Response(status_code=204)


@router.post("/{session_id}/reset", **answers(SessionOut))
async def reset(session: CurrentSession, body: ResetIn | None = None) -> FastJSON:
    seed = body.seed if body is not None and body.seed is not None else session.config.seed
    async with session.lock:
        session.reset(seed)
        return FastJSON(session.public())


@router.put("/{session_id}/weights", **answers(SessionOut))
async def put_weights(session: CurrentSession, body: Annotated[WeightsIn, Body()]) -> FastJSON:
    async with session.lock:
        session.set_weights(body.A, body.B)
        return FastJSON(session.public())


@router.post("/{session_id}/predict", **answers(PredictOut))
async def predict(session: CurrentSession, body: Annotated[PredictIn, Body()]) -> FastJSON:
    return FastJSON({"y_hat": session.predict(body.s)})


@router.get("/{session_id}/values", **answers(ValuesOut))
async def values(session: CurrentSession) -> FastJSON:
    """TD mode: the network's value of every state, the true values and the RMS value error."""
    return FastJSON(session.values())


@router.get("/{session_id}/gradcheck", **answers(GradcheckOut))
async def gradcheck(session: CurrentSession, request: Request) -> FastJSON:
    if session.gradcheck_leaves_loop():
        body = await request.app.state.workers.call(session, "gradcheck")
        return Response(body, media_type="application/json")
    return FastJSON(session.gradcheck())


@router.put("/{session_id}/sample", **answers(SessionOut))
async def put_sample(session: CurrentSession, body: Annotated[SampleIn, Body()]) -> FastJSON:
    async with session.lock:
        session.set_sample(body.index, body.s, body.y)
        return FastJSON(session.public())


@router.get("/{session_id}/export", **answers(SessionDocument))
async def export_session(session: CurrentSession) -> FastJSON:
    async with session.lock:
        return FastJSON(export_document(session))


@router.post("/import", status_code=201, **answers(SessionOut, 201, CREATE_ERRORS))
async def import_session(store: Store, client: Creator, doc: Annotated[SessionDocument, Body()]) -> FastJSON:
    session = store.add(import_document(doc, store.new_id()), client)
    return FastJSON(session.public(), status_code=201)
