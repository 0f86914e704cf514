"""The HTTP protocol the server runs: uvicorn's httptools protocol, with a bound on a
request's head (its request line and headers) in size and in time.

uvicorn's httptools protocol has neither: it gathers headers for as long as they come,
and its keep-alive timeout starts only after a response, so a client that opens a
connection and sends half a request line, or trickles headers forever, holds its socket
and its buffers as long as it likes.  Here

- a head over `max_header_bytes` is answered 431 and the connection closed; the bytes
  of a head still arriving are counted as they come, so nothing grows past the limit
  by more than one read while the parser waits for a header's end;
- a head that has not arrived in full `header_timeout` seconds after the connection
  opened (or after the previous response) closes the connection, with a 408 when some
  of it had come;
- a body must keep a pace: at least BODY_MIN_BYTES_PER_SECOND on average over each
  `header_timeout` seconds while it comes in more than one read, else 408 (a body sent and
  then stalled holds its buffer no longer than that);
- the bodies a process holds (received for requests not yet answered) are bounded in all
  by `body_bytes_in_flight`: the body that would pass it is answered 503 with Retry-After,
  so that a thousand stalled uploads cannot take the server's memory.

After a 408 or a 431 the server sends no more and reads and drops what still comes for
a moment (REFUSED_LINGER_SECONDS) before it closes, so that the answer is read before
any reset the close might cause.

`python -m app` registers it as uvicorn's `http` implementation (app/server/main.py).
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..api.middleware import SECURITY_HEADERS
from ..limits import BODY_MIN_BYTES_PER_SECOND, REFUSED_LINGER_SECONDS
from ..settings import get_settings

PER_HEADER = 4  # ": " and CRLF, for each header


class BodiesHeld:
    """The bytes of request bodies this process holds: received, and not yet answered."""

    bytes = 0


def _response(status: bytes, message: str, retry_after: int | None = None) -> bytes:
    body = orjson.dumps({"message": message, "detail": []})
    head = [
        b"HTTP/1.1 " + status,
        b"content-type: application/json",
        b"content-length: " + str(len(body)).encode(),
        b"connection: close",
        *([b"retry-after: " + str(retry_after).encode()] if retry_after else []),
        *(name + b": " + value for name, value in SECURITY_HEADERS),
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol with a request head bounded in bytes and in seconds."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self.max_header_bytes = settings.max_header_bytes
        self.header_timeout = settings.header_timeout_seconds
        self.bodies_bound = settings.body_bytes_in_flight
        self._in_body = False  # a request's body is being received
        self._body_held = 0  # bytes of bodies received on this connection, for requests not yet answered
        self._body_since = 0  # bytes of the body under way since the pace was last looked at
        self._body_timer: asyncio.TimerHandle | None = None
        self._in_head = True  # no request yet, or the last one read in full: a head comes next
        self._arrived = 0  # bytes received since the head under way began (for a head still coming)
        self._head = 0  # bytes of the head being parsed: request target and headers
        self._refused = False
        self._head_timer: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------ the deadline

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        self._stop_body_timer()
        self._let_go_of_bodies()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        self._in_body = False  # what may still come of the body is dropped (uvicorn's on_body)
        self._stop_body_timer()
        self._let_go_of_bodies()
        super().on_response_complete()
        if not self.transport.is_closing():
            self._start_head_timer()  # the next request's head has as long as the first's

    def _start_head_timer(self) -> None:
        self._stop_head_timer()
        self._head_timer = self.loop.call_later(self.header_timeout, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        busy = (self.cycle is not None and not self.cycle.response_complete) or self.pipeline
        if busy or not self._in_head or self.transport.is_closing():
            return  # a request is being answered; the timer starts again after its response
        if not self._arrived:
            self.transport.close()  # nothing came: nobody is there to read an answer
            return
        message = f"headers: a request's line and headers must arrive within {self.header_timeout:g} s"
        self._refuse(b"408 Request Timeout", message)

    # ------------------------------------------------------------ the body's pace and bound

    def _start_body_timer(self) -> None:
        self._body_since = 0
        self._body_timer = self.loop.call_later(self.header_timeout, self._body_pace)

    def _stop_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _body_pace(self) -> None:
        self._body_timer = None
        if not self._in_body or self._refused or self.transport.is_closing():
            return
        if self._body_since < BODY_MIN_BYTES_PER_SECOND * self.header_timeout:
            message = (
                f"body: a request's body must keep coming, at least {BODY_MIN_BYTES_PER_SECOND} bytes "
                f"a second over each {self.header_timeout:g} s"
            )
            self._refuse_body(b"408 Request Timeout", message)
            return
        self._start_body_timer()

    def _let_go_of_bodies(self) -> None:
        BodiesHeld.bytes -= self._body_held
        self._body_held = 0

    def _refuse_body(self, status: bytes, message: str, retry_after: int | None = None) -> None:
        """Refuses the request whose body is coming: its handler sees the client gone."""
        self._in_body = False
        self._stop_body_timer()
        self._let_go_of_bodies()
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.body = bytearray()
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        self._refuse(status, message, retry_after)

    # ------------------------------------------------------------ the size

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._in_head:
            self._arrived += len(data)
        super().data_received(data)
        # Still in a head after this read: every byte counted since it began is the head's.
        if self._in_head and self._arrived > self.max_header_bytes:
            self._too_large()
        elif self._in_body and self._body_timer is None and not self._refused:
            self._start_body_timer()  # a body that takes more than one read keeps a pace

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head = 0

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._head += len(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._head += len(name) + len(value) + PER_HEADER

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        if self._head > self.max_header_bytes:  # a whole head that came in one read
            self._too_large()
            return
        self._in_head = False
        self._in_body = True
        self._arrived = 0
        self._stop_head_timer()
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if self._refused or self.cycle is None or self.cycle.response_complete:
            return
        if BodiesHeld.bytes + len(body) > self.bodies_bound:
            message = "body: the server is receiving many large requests just now; try again shortly"
            self._refuse_body(b"503 Service Unavailable", message, retry_after=2)
            return
        self._body_held += len(body)
        self._body_since += len(body)
        BodiesHeld.bytes += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._in_body = False
        self._stop_body_timer()
        super().on_message_complete()
        # The next head begins here; bytes of it already in this read are not counted,
        # which lets it pass the limit by at most one read before it is refused.
        self._in_head = True

    def send_400_response(self, msg: str) -> None:
        """httptools' own 400, for bytes that are no HTTP request, as the app answers: JSON,
        with the security headers."""
        self._refused = True
        self._stop_head_timer()
        self._stop_body_timer()
        if not self.transport.is_closing():
            self.transport.write(_response(b"400 Bad Request", f"request: {msg}"))
            self.transport.close()

    def _too_large(self) -> None:
        message = f"headers: a request's line and headers are limited to {self.max_header_bytes} bytes"
        self._refuse(b"431 Request Header Fields Too Large", message)

    def _refuse(self, status: bytes, message: str, retry_after: int | None = None) -> None:
        """Answers, ends the sending side, and closes after a moment of dropping what comes."""
        self._refused = True
        self._stop_head_timer()
        transport = self.transport
        if transport.is_closing():
            return
        transport.write(_response(status, message, retry_after))
        if not transport.can_write_eof():
            transport.close()
            return
        transport.write_eof()
        self.flow.resume_reading()
        self._head_timer = self.loop.call_later(REFUSED_LINGER_SECONDS, transport.close)
