"""The app's error answers: every failure as JSON with a message that names the field."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from ..classroom.errors import ClassNotFound, NotShownYet, WrongKey
from ..limits import MAX_ERRORS_LISTED
from ..sessions.errors import (
    Diverged,
    InputError,
    SessionNotFound,
    StoreFull,
    TooManyRequests,
    Unavailable,
)
from .json import FastJSON

# The tags of the config's environments: a location names the field, not the union's member.
_TAGS = ("body", "query", "path", "random_walk", "mountain_car")


def _field(loc: tuple | list) -> str:
    parts = [str(p) for p in loc if p not in _TAGS]
    return ".".join(parts) or "body"


def _message(err: dict) -> str:
    msg = str(err.get("msg", "invalid value"))
    # Errors raised as InputError already start with their field.
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, InputError):
        return ctx_error.args[0]
    if err.get("type") == "json_invalid":
        return f"body: not valid JSON ({ctx_error or msg})"
    return f"{_field_of(err)}: {msg}"


def _field_of(err: dict) -> str:
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, InputError):
        return ctx_error.field
    if err.get("type") == "environment_name":  # the config's environments' tag (sessions/config.py)
        return _field((*err.get("loc", ()), "name"))
    # A parse error's location is a character offset, not a field: the field is the body.
    if err.get("type") == "json_invalid":
        return "body"
    return _field(err.get("loc", ()))


def _detail(field: str, message: str, kind: str) -> dict:
    return {"field": field, "msg": message, "type": kind}


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    details = []
    for err in exc.errors():
        details.append(_detail(_field_of(err), _message(err), str(err.get("type", "value_error"))))
    # The submitted input is not echoed back: it may be megabytes.
    return FastJSON({"message": details[0]["msg"], "detail": details[:MAX_ERRORS_LISTED]}, status_code=422)


async def input_error(request: Request, exc: InputError) -> Response:
    return FastJSON(
        {"message": exc.args[0], "detail": [_detail(exc.field, exc.args[0], "value_error")]},
        status_code=422,
    )


async def not_found(request: Request, exc: SessionNotFound) -> Response:
    return FastJSON({"message": SessionNotFound.MESSAGE}, status_code=404)


async def class_not_found(request: Request, exc: ClassNotFound) -> Response:
    return FastJSON({"message": ClassNotFound.MESSAGE}, status_code=404)


async def wrong_key(request: Request, exc: WrongKey) -> Response:
    return FastJSON({"message": WrongKey.MESSAGE}, status_code=403)


async def not_shown_yet(request: Request, exc: NotShownYet) -> Response:
    return FastJSON({"message": NotShownYet.MESSAGE}, status_code=409)


async def diverged(request: Request, exc: Diverged) -> Response:
    explained = exc.explain("request")
    body = {"message": explained["message"], "diverged": True, "advice": explained["advice"]}
    return FastJSON(body | {"state": exc.session.state()}, status_code=409)


async def too_many(request: Request, exc: TooManyRequests) -> Response:
    headers = {"Retry-After": str(exc.retry_after)}
    return FastJSON({"message": exc.message}, status_code=429, headers=headers)


async def store_full(request: Request, exc: StoreFull) -> Response:
    message = f"every session this server can keep is in use; try again in {exc.retry_after} s"
    return FastJSON({"message": message}, status_code=503, headers={"Retry-After": str(exc.retry_after)})


async def unavailable(request: Request, exc: Unavailable) -> Response:
    return FastJSON({"message": exc.message}, status_code=503, headers={"Retry-After": str(exc.retry_after)})


async def http_error(request: Request, exc: HTTPException) -> Response:
    # A body that is not JSON at all is bad input like any other: 422, in the same form.
    if exc.status_code == 400:
        message = f"body: not valid JSON ({exc.detail})"
        return FastJSON({"message": message, "detail": [_detail("body", message, "json_invalid")]}, 422)
    return FastJSON({"message": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)


async def client_gone(request: Request, exc: ClientDisconnect) -> Response:
    # The client hung up before its body arrived: nobody is there to answer, and
    # it is not the server's fault, so nothing is logged as an error.
    return Response(status_code=400)


async def internal_error(request: Request, exc: Exception) -> Response:
    # Nothing of the exception reaches the client: no trace, no message.
    return FastJSON({"message": "internal error: the request was not completed"}, status_code=500)


HANDLERS = {
    Exception: internal_error,
    HTTPException: http_error,
    ClientDisconnect: client_gone,
    RequestValidationError: validation_error,
    InputError: input_error,
    SessionNotFound: not_found,
    ClassNotFound: class_not_found,
    WrongKey: wrong_key,
    NotShownYet: not_shown_yet,
    Diverged: diverged,
    TooManyRequests: too_many,
    StoreFull: store_full,
    Unavailable: unavailable,
}
