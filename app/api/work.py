"""Calls long enough to leave the event loop: at most one per session, and WORKER_CALLS in all.

A call past either limit is not queued (a queue would hold the client's connection and
the server's memory while it waits): it is answered 429 with Retry-After at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from app.sessions import Session
from app.sessions.errors import TooManyRequests


class Workers:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.running = 0

    def free(self) -> bool:
        return self.running < self.limit

    @contextlib.contextmanager
    def slot(self, session: Session) -> Iterator[None]:
        """Holds one of the worker slots, and the session's one, for the block."""
        if session.busy:
            raise TooManyRequests("a long call on this session is still running; wait for its answer", 1)
        if self.running >= self.limit:
            raise TooManyRequests(
                f"the server is running {self.limit} long calls for other learners; try again in a second", 1
            )
        self.running += 1
        session.busy = True
        try:
            yield
        finally:
            self.running -= 1
            session.busy = False
