"""Plain ASGI middleware (no per-request task or thread): the checks at the door, and security headers.

Request bodies: JSON only on the requests that change something, and no larger than a
limit.  WebSockets: only from this server's own page or an origin configured.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from ..limits import MAX_LESSON_BYTES

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

NO_FRAMES = "'none'"


def security_headers(frame_ancestors: str = NO_FRAMES) -> list[tuple[bytes, bytes]]:
    """Only the server itself: no inline script, no other origin, and no framing but by
    `frame_ancestors` (a notebook's page showing the page of its kernel's server)."""
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        f"frame-ancestors {frame_ancestors}; form-action 'self'"
    )
    headers = [
        (b"content-security-policy", csp.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]
    # The older header knows no list of framing pages: sent only when none may frame.
    return [*headers, (b"x-frame-options", b"DENY")] if frame_ancestors == NO_FRAMES else headers


SECURITY_HEADERS = security_headers()
# A script, style or font file is no document: a policy, a referrer rule or a frame rule means
# nothing on it, and the page loads some ninety of them.  Their type is never to be guessed.
FILE_HEADERS = [(b"x-content-type-options", b"nosniff")]
FILE_PREFIXES = ("/static/", "/vendor/", "/bundle/")


IMPORT_PATH = "/api/sessions/import"  # its body, a document of a whole run, may be larger
# ... and bodies that must be smaller than the rest: a lesson document to be checked.
SMALL_BODIES = {"/api/lessons/check": MAX_LESSON_BYTES}

# Requests that change something; their bodies must be JSON.  A page elsewhere may send
# "simple" requests (text/plain, form encodings) here without asking first: refused.
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_json(content_type: bytes) -> bool:
    """application/json, with or without parameters such as charset."""
    return content_type.partition(b";")[0].strip().lower() == b"application/json"


def origin_allowed(headers: list[tuple[bytes, bytes]], allowed: frozenset[str]) -> bool:
    """Whether a WebSocket handshake with these headers comes from a page that may connect.

    A browser always sends Origin, and no page can change it: the page must come from the
    host it connects to (the Host header; scheme and default ports aside) or from an origin
    in `allowed` (CORS_ORIGINS; "*" allows any).  Clients that are not browsers send none
    and are let through: the session id is their key, as it is over HTTP.
    """
    origin = host = None
    for name, value in headers:
        if name == b"origin":
            origin = value.decode("latin-1").strip().lower()
        elif name == b"host":
            host = value.decode("latin-1").strip().lower()
    if origin is None:
        return True
    if "*" in allowed or origin in allowed:
        return True
    scheme, sep, netloc = origin.partition("://")
    return bool(sep) and scheme in ("http", "https") and host is not None and netloc == host


class Guard:
    """The checks at the door, and security headers on every answer.

    HTTP: a POST, PUT, PATCH or DELETE that declares a Content-Type other than
    application/json, or sends a body without one, is refused with 415; a body over
    `max_body` bytes (`max_import` for an imported document, which carries a whole run; less
    for a path of SMALL_BODIES) with 413 (a declared Content-Length before a byte of the body
    is read, a chunked body once the limit is passed).  WebSocket: a handshake whose Origin
    `origin_allowed` refuses is answered 403 before it is accepted.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_body: int,
        origins: frozenset[str] = frozenset(),
        max_import: int | None = None,
        frame_ancestors: str = NO_FRAMES,
    ) -> None:
        self.app = app
        self.security_headers = security_headers(frame_ancestors)
        self.max_body = max_body
        self.max_import = max(max_body, max_import)
        self.origins = frozenset(o.rstrip("/").lower() for o in origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            if origin_allowed(scope["headers"], self.origins):
                await self.app(scope, receive, send)
            else:
                await _refuse_websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        extra = FILE_HEADERS if scope["path"].startswith(FILE_PREFIXES) else self.security_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        length = None
        chunked = False
        content_type = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = int(value) if value.isdigit() else -1
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"content-type":
                content_type = value
        if scope["method"] in STATE_CHANGING:
            has_body = chunked or bool(length)
            if (content_type is not None or has_body) and not (content_type and is_json(content_type)):
                await _refuse(send_with_headers, 415, UNSUPPORTED)
                return
        path = scope["path"]
        limit = min(self.max_body, SMALL_BODIES.get(path, self.max_body))
        if path == IMPORT_PATH:
            limit = self.max_import
        if length is not None and (length < 0 or length > limit):
            await _too_large(send_with_headers, limit)
            return
        if chunked and length is None:
            body = await _read_limited(receive, limit)
            if body is None:
                await _too_large(send_with_headers, limit)
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send_with_headers)


async def _read_limited(receive: Receive, limit: int) -> bytes | None:
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(parts)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


async def _too_large(send: Send, limit: int) -> None:
    await _refuse(send, 413, f"body: request bodies are limited to {limit} bytes")


UNSUPPORTED = "Content-Type: a request body must be JSON, sent as application/json"
FOREIGN = (
    "Origin: this WebSocket takes pages from this server only, "
    "or from an origin that the server's CORS_ORIGINS names"
)


def _answer(message: str) -> bytes:
    return orjson.dumps({"message": message, "detail": []})


async def _refuse(send: Send, status: int, message: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": _answer(message)})


async def _refuse_websocket(scope: Scope, receive: Receive, send: Send) -> None:
    """403 to the handshake, before it is accepted: the page never gets a connection."""
    await receive()  # websocket.connect
    if "websocket.http.response" in (scope.get("extensions") or {}):
        headers = [(b"content-type", b"application/json"), *SECURITY_HEADERS]
        await send({"type": "websocket.http.response.start", "status": 403, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": _answer(FOREIGN)})
    else:  # a server without the extension answers a close before accept with a bare 403
        await send({"type": "websocket.close", "code": 1008, "reason": FOREIGN})


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
