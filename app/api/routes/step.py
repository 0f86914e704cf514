"""The step: the request a class makes most, answered ahead of the app's own machinery.

`StepPath`, a middleware just inside CORS (app/main.py), answers a step request itself
when the door (Guard) would let it through untouched: a POST to PATH with a JSON
Content-Type and a Content-Length within the body limit.  It reads the body, steps,
and answers with the same security headers, or with the app's own handler for an
error (app/api/errors.py).  Skipping the checks at the door, the exception layers, the
router and Starlette's Request takes about a fifth off a step request's server time
under load (see BENCHMARKS.md (c)).  Any other step request (chunked, without a
Content-Type, too large) goes through the whole app, where the plain Starlette
`route` serves it, first among the routes; `router`'s FastAPI route of the same path,
behind it, only describes the step in the OpenAPI schema, with StepIn as its body.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request, Response
from starlette.datastructures import State
from starlette.requests import ClientDisconnect
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ...sessions import run
from ..clients import client_of, client_of_scope
from ..frames import step_answer
from ..json import FastJSON, read_body
from ..middleware import SECURITY_HEADERS, is_json
from ..schemas import DivergedOut, ErrorOut, StepIn, StepOut
from .common import answers

PATH = "/api/sessions/{session_id}/step"
_BEFORE, _AFTER = PATH.split("{session_id}")


async def take(state: State, session_id: str, body: bytes, client: str) -> bytes:
    """A step call's answer from its session id and body, for `route` and StepPath alike."""
    n, to_end = _steps_asked(body)
    return await run.take(
        state.store, state.workers, session_id, n, to_end, step_answer, tell="step", client=client
    )


async def step(request: Request) -> Response:
    state = request.app.state
    client = client_of(request, state.proxies)
    answer = await take(state, request.path_params["session_id"], await request.body(), client)
    return Response(answer, media_type="application/json")


# The bodies a class sends are a handful ({"n": 1}, {"n": 10}, ...): each is checked once and
# what it asks for kept, up to ASKED_KEPT short ones, rather than parsed again on every step.
ASKED_KEPT, ASKED_BYTES = 256, 64
_asked: dict[bytes, tuple[int, bool]] = {}


def _steps_asked(body: bytes) -> tuple[int, bool]:
    """n and to_episode_end of a step's body, checked as StepIn."""
    asked = _asked.get(body)
    if asked is None:
        stripped = body.strip()
        model = StepIn() if not stripped or stripped == b"null" else read_body(StepIn, body)
        asked = model.n, model.to_episode_end
        if len(body) <= ASKED_BYTES and len(_asked) < ASKED_KEPT:
            _asked[body] = asked
    return asked


class StepPath:
    """Answers the step requests that need nothing of the app but the step (see above)."""

    def __init__(self, app: ASGIApp, max_body: int, handlers: dict) -> None:
        self.app = app
        self.max_body = max_body
        # Exception itself is left to the app's outermost layer, as for every request.
        self.handlers = {kind: handler for kind, handler in handlers.items() if kind is not Exception}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session_id = self._session_id(scope)
        if session_id is None:
            await self.app(scope, receive, send)
            return
        try:
            state = scope["app"].state
            answer = await take(
                state, session_id, await _body(receive), client_of_scope(scope, state.proxies)
            )
        except Exception as exc:
            handler = next((self.handlers[k] for k in type(exc).__mro__ if k in self.handlers), None)
            if handler is None:
                raise
            response = await handler(Request(scope, receive), exc)
            await response(scope, receive, _with_security_headers(send))
            return
        length = str(len(answer)).encode()
        head = [(b"content-type", b"application/json"), (b"content-length", length), *SECURITY_HEADERS]
        await send({"type": "http.response.start", "status": 200, "headers": head})
        await send({"type": "http.response.body", "body": answer})

    def _session_id(self, scope: Scope) -> str | None:
        """The session a step request is for, if this path may answer it; else None."""
        if scope["type"] != "http" or scope["method"] != "POST" or scope.get("root_path"):
            return None
        path = scope["path"]
        session_id = path[len(_BEFORE) : -len(_AFTER)]
        if not (path.startswith(_BEFORE) and path.endswith(_AFTER)) or not session_id or "/" in session_id:
            return None
        length = content_type = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"content-type":
                content_type = value
            elif name == b"transfer-encoding":
                return None
        if content_type is None or not is_json(content_type):
            return None
        if length is None or not length.isdigit() or int(length) > self.max_body:
            return None
        return session_id


async def _body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientDisconnect()
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts)


def _with_security_headers(send: Send) -> Send:
    async def sender(message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
        await send(message)

    return sender


def install(app: FastAPI, max_body: int, handlers: dict) -> None:
    """The step, in the three places it lives: StepPath (call this just after the door, Guard,
    is added: middleware added later wrap it), the plain route first among the routes for
    the requests StepPath leaves to the app, and the FastAPI route behind it, for the schema."""
    app.add_middleware(StepPath, max_body=max_body, handlers=handlers)
    app.router.routes.append(route)
    app.router.routes.extend(router.routes)


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
