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
  of it had come.

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

from app.api.middleware import SECURITY_HEADERS
from app.limits import REFUSED_LINGER_SECONDS
from app.settings import get_settings

PER_HEADER = 4  # ": " and CRLF, for each header


def _response(status: bytes, message: str) -> bytes:
    body = orjson.dumps({"message": message, "detail": []})
    head = [
        b"HTTP/1.1 " + status,
        b"content-type: application/json",
        b"content-length: " + str(len(body)).encode(),
        b"connection: close",
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
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
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
        self._arrived = 0
        self._stop_head_timer()
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        super().on_message_complete()
        # The next head begins here; bytes of it already in this read are not counted,
        # which lets it pass the limit by at most one read before it is refused.
        self._in_head = True

    def _too_large(self) -> None:
        message = f"headers: a request's line and headers are limited to {self.max_header_bytes} bytes"
        self._refuse(b"431 Request Header Fields Too Large", message)

    def _refuse(self, status: bytes, message: str) -> None:
        """Answers, ends the sending side, and closes after a moment of dropping what comes."""
        self._refused = True
        self._stop_head_timer()
        transport = self.transport
        if transport.is_closing():
            return
        transport.write(_response(status, message))
        if not transport.can_write_eof():
            transport.close()
            return
        transport.write_eof()
        self.flow.resume_reading()
        self._head_timer = self.loop.call_later(REFUSED_LINGER_SECONDS, transport.close)
