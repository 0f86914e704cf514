"""What the session routes share: the store and the session as dependencies, and their answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.api.schemas import ErrorOut
from app.sessions import MemoryStore, Session

# What every answer may be besides success, for the OpenAPI schema.
ERRORS = {
    404: {"model": ErrorOut, "description": "no session with this id"},
    413: {"model": ErrorOut, "description": "request body too large"},
    415: {"model": ErrorOut, "description": "a request body that is not sent as application/json"},
    422: {"model": ErrorOut, "description": "a value out of bounds, naming the field and the limit"},
}


def answers(model, status: int = 200, extra: dict | None = None) -> dict:
    return {"responses": {status: {"model": model}, **ERRORS, **(extra or {})}}


async def get_store(request: Request) -> MemoryStore:
    return request.app.state.store


Store = Annotated[MemoryStore, Depends(get_store)]


async def get_session(session_id: str, store: Store) -> Session:
    return store.get(session_id)


CurrentSession = Annotated[Session, Depends(get_session)]
