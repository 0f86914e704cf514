"""What the session routes share: the store as a dependency, and their answers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ...sessions.store import Store as SessionStore
from ..clients import client_of
from ..schemas import ErrorOut

# What every answer may be besides success, for the OpenAPI schema.
ERRORS = {
    404: {"model": ErrorOut, "description": "no session with this id"},
    413: {"model": ErrorOut, "description": "request body too large"},
    415: {"model": ErrorOut, "description": "a request body that is not sent as application/json"},
    422: {"model": ErrorOut, "description": "a value out of bounds, naming the field and the limit"},
}
# ... and what a call that makes a session may be besides.
CREATE_ERRORS = {
    429: {"model": ErrorOut, "description": "too many new sessions from this address: see Retry-After"},
    503: {"model": ErrorOut, "description": "every session is in use: see Retry-After"},
}


def answers(model, status: int = 200, extra: dict | None = None) -> dict:
    return {"responses": {status: {"model": model}, **ERRORS, **(extra or {})}}


async def get_store(request: Request) -> SessionStore:
    return request.app.state.store


Store = Annotated[SessionStore, Depends(get_store)]


async def get_creator(request: Request) -> str:
    """The client creating a session, once it is within its rate (429 past it)."""
    client = client_of(request, request.app.state.proxies)
    await request.app.state.creations.take(client)
    return client


Creator = Annotated[str, Depends(get_creator)]
