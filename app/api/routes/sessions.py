"""The session API: create, read, reset, set weights, predict, gradcheck, edit D, export, import, delete.

The step has a module of its own (app/api/routes/step.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response

from ...sessions import Session, prepare, run
from ...sessions.documents import SessionDocument, export_document, import_document
from ...sessions.numbers import round_significant
from ..clients import client_of
from ..json import FastJSON, JSONRoute
from ..schemas import (
    ConfigIn,
    GradcheckOut,
    PredictIn,
    PredictOut,
    ResetIn,
    SampleIn,
    SessionOut,
    ValuesOut,
    WeightCheckOut,
    WeightsIn,
)
from .common import CREATE_ERRORS, Creator, Store, answers

# JSONRoute: bodies parsed by app/api/json.py's loads, which refuses a key given twice.
router = APIRouter(
    prefix="/api/sessions", tags=["sessions"], default_response_class=FastJSON, route_class=JSONRoute
)


@router.post("", status_code=201, **answers(SessionOut, 201, CREATE_ERRORS))
async def create_session(store: Store, client: Creator, config: ConfigIn | None = None) -> FastJSON:
    session = await store.create(config or ConfigIn(), client)
    return FastJSON(session.public(), status_code=201)


@router.get("/{session_id}", **answers(SessionOut))
async def read_session(session_id: str, store: Store) -> FastJSON:
    async with store.session(session_id) as session:
        return FastJSON(session.public())


@router.delete("/{session_id}", status_code=204, **answers(None, 204))
async def delete_session(session_id: str, store: Store) -> Response:
    await store.delete(session_id)
    return Response(status_code=204)


@router.post("/{session_id}/reset", **answers(SessionOut))
async def reset(session_id: str, store: Store, body: ResetIn | None = None) -> FastJSON:
    async def change(session: Session) -> FastJSON:
        seed = body.seed if body is not None and body.seed is not None else session.config.seed
        session.reset(seed)
        return FastJSON(session.public())

    return await store.update(session_id, change, tell="session")


@router.put("/{session_id}/weights", **answers(SessionOut))
async def put_weights(session_id: str, store: Store, body: Annotated[WeightsIn, Body()]) -> FastJSON:
    async def change(session: Session) -> FastJSON:
        session.set_weights(body.A, body.B)
        return FastJSON(session.public())

    return await store.update(session_id, change, tell="session")


@router.post("/{session_id}/predict", **answers(PredictOut))
async def predict(session_id: str, store: Store, body: Annotated[PredictIn, Body()]) -> FastJSON:
    async with store.session(session_id) as session:
        answer = session.predict(body.s, body.units)
    if body.digits is not None:
        answer = {name: round_significant(values, body.digits) for name, values in answer.items()}
    return FastJSON(answer)


@router.get("/{session_id}/values", **answers(ValuesOut))
async def values(session_id: str, store: Store) -> FastJSON:
    """TD mode: the network's value of every state, the true values and the RMS value error."""
    async with store.session(session_id) as session:
        return FastJSON(session.values())


@router.get("/{session_id}/gradcheck", **answers(GradcheckOut | WeightCheckOut))
async def gradcheck(
    session_id: str,
    store: Store,
    request: Request,
    weight: Annotated[str | None, Query(max_length=40, description="one weight, matrix.row.column")] = None,
) -> Response:
    """Backprop against central differences at the next step's point: every weight, or one."""
    client = client_of(request, request.app.state.proxies)
    body = await run.gradcheck(store, request.app.state.workers, session_id, weight, client)
    return Response(body, media_type="application/json")


@router.put("/{session_id}/sample", **answers(SessionOut))
async def put_sample(session_id: str, store: Store, body: Annotated[SampleIn, Body()]) -> FastJSON:
    async def change(session: Session) -> FastJSON:
        session.set_sample(body.index, body.s, body.y)
        return FastJSON(session.public())

    return await store.update(session_id, change, tell="session")


@router.get("/{session_id}/export", **answers(SessionDocument))
async def export_session(session_id: str, store: Store) -> FastJSON:
    async with store.session(session_id, history=True) as session:
        return FastJSON(export_document(session))


@router.post("/import", status_code=201, **answers(SessionOut, 201, CREATE_ERRORS))
async def import_session(store: Store, client: Creator, doc: Annotated[SessionDocument, Body()]) -> FastJSON:
    await prepare(doc.config)  # a long walk's true values, off the event loop
    session = await store.add(import_document(doc, store.new_id()), client)
    return FastJSON(session.public(), status_code=201)
