"""Bytes written to sockets and not yet taken by their peers, bounded for the process.

A class snapshot carries the whole session on show (up to megabytes); a student page takes it
at the pace of its network, and one that never reads leaves it in the server's write buffer.
Each snapshot is counted here from its write until the socket has taken it (a following
message could be written), so a crowd of pages that do not read holds at most `limit` bytes;
a join past it waits its turn, for at most `seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class InFlight:
    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self.held = 0
        self._room = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def holding(self, size: int) -> AsyncIterator[None]:
        """Counts `size` bytes for the block, once they fit (one larger than the limit fits
        alone); TimeoutError when they do not fit within `seconds`."""
        async with self._room:
            async with asyncio.timeout(self.seconds):
                await self._room.wait_for(lambda: self.held == 0 or self.held + size <= self.limit)
            self.held += size
        try:
            yield
        finally:
            async with self._room:
                self.held -= size
                self._room.notify_all()
