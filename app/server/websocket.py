"""uvicorn's WebSocket protocol (websockets, sans-I/O) with a deadline on what a peer leaves
unread.

A page that stops reading leaves each message it is sent in the server's write buffer, and
closing its socket politely waits for that buffer to drain, which never happens: a large
class snapshot sent to 300 such pages stays in memory 300 times.  Here a socket whose buffer
stays past the high-water mark for `socket_send_seconds` is aborted: its buffer is freed, and
the app's sends on it fail as for any peer that went away.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from ..settings import get_settings


class DeadlineWebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.send_seconds = get_settings().socket_send_seconds
        self._stalled: asyncio.TimerHandle | None = None

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stalled is None:
            self._stalled = self.loop.call_later(self.send_seconds, self._drop)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._unstall()

    def connection_lost(self, exc: Exception | None) -> None:
        self._unstall()
        super().connection_lost(exc)

    def _unstall(self) -> None:
        if self._stalled is not None:
            self._stalled.cancel()
            self._stalled = None

    def _drop(self) -> None:
        self._stalled = None
        self.transport.abort()
