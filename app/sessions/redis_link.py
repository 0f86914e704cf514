"""RedisLink: calls to Redis that end in time, for all the app keeps there (the sessions,
the classes, the per-client limits), each with its own link and its own words.

A Redis can be away (its port refuses: a call fails at once), hung (its port takes
connections, nothing answers: a stopped process, a lost network) or full (maxmemory reached
with noeviction: it refuses every write).  So here:

- each call is bounded as a whole (connecting, redis-py's handshake and health check, the
  reply) by STORE_REPLY_SECONDS, and tried again only when its connection was found closed
  (a restarted Redis), never after a timeout;
- the calls of one operation (`one_wait`: a change's load and save, and what the store's
  followers send of it) share those seconds;
- once a call has timed out, the link's next calls fail at once for RECHECK_SECONDS, unless
  a reply comes meanwhile: a request that waited behind it (for a session's lock) does not
  wait again, and none waits much longer than the promised time;
- a hung Redis runs what it had been sent when it wakes up, long after the app answered
  that nothing was changed: so a change is sent with a deadline on Redis's own clock
  (`fence`, learnt from the replies), past which its script changes nothing;
- a write refused for want of memory is RedisFull, an Unavailable saying so; reads go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import TypeVar

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as ClosedError
from redis.exceptions import OutOfMemoryError, RedisError
from redis.exceptions import TimeoutError as RedisTimeout

from ..limits import REDIS_TIMEOUT_SECONDS, STORE_REPLY_SECONDS
from .errors import Unavailable

T = TypeVar("T")
RECHECK_SECONDS = 1.0  # after a timeout, calls fail at once this long (a reply ends it sooner)
AWAY_RETRY_SECONDS = 2  # Retry-After while Redis is away or hung
FULL_RETRY_SECONDS = 10  # ... and while it is full: room comes back only as sessions expire or are deleted
PROBE_KEY = "bpe:ready"  # the key /readyz writes, to learn whether Redis takes writes

# The seconds of waiting the calls of one operation have left (one_wait), in this task.
_left: ContextVar[list[float] | None] = ContextVar("redis_seconds_left", default=None)


class RedisFull(Unavailable):
    """Redis refused a write for want of memory: nothing was changed; reads still work."""


@contextlib.contextmanager
def one_wait() -> Iterator[None]:
    """The Redis calls inside (of any link, in this task) share STORE_REPLY_SECONDS of
    waiting; inside another one_wait, that one's."""
    if _left.get() is not None:
        yield
        return
    token = _left.set([STORE_REPLY_SECONDS])
    try:
        yield
    finally:
        _left.reset(token)


class RedisLink:
    """A Redis client and the words its failures are told in: `away` (not reachable, or no
    answer in time) and `full` (a write refused for want of memory)."""

    def __init__(self, url: str, away: str, full: str) -> None:
        self.away, self.full = away, full
        self.redis = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=STORE_REPLY_SECONDS,
            retry=Retry(NoBackoff(), 1, supported_errors=(ClosedError,)),
            health_check_interval=30,
        )
        self._quiet_until = 0.0  # monotonic time until which calls fail at once (see the module)
        self._offset_ms: float | None = None  # Redis's clock less this process's monotonic one

    def learn(self, redis_ms: int) -> None:
        """Redis's time as a reply just carried it: a little behind, so that fences are early."""
        self._offset_ms = redis_ms - time.monotonic() * 1000

    def fence(self) -> str:
        """The time on Redis's clock (ms) by which a call made now will have been given up, for
        a script to change nothing later; "" while Redis's clock is not known."""
        if self._offset_ms is None:
            return ""
        return str(int((time.monotonic() + _seconds()) * 1000 + self._offset_ms))

    async def call(self, make: Callable[[], Awaitable[T]], recheck: bool = False) -> T:
        """`make()`'s reply within the time left (see the module), or Unavailable (RedisFull).
        `recheck`: call even while the link fails at once (a readiness probe)."""
        started, left, seconds = time.monotonic(), _left.get(), _seconds()
        if seconds <= 0 or (started < self._quiet_until and not recheck):
            raise Unavailable(self.away, AWAY_RETRY_SECONDS)
        try:
            async with asyncio.timeout(seconds):
                got = await make()
        except (TimeoutError, RedisTimeout):
            self._quiet_until = time.monotonic() + RECHECK_SECONDS
            raise Unavailable(self.away, AWAY_RETRY_SECONDS) from None
        except OutOfMemoryError:
            self._quiet_until = 0.0
            raise RedisFull(self.full, FULL_RETRY_SECONDS) from None
        except RedisError:
            raise Unavailable(self.away, AWAY_RETRY_SECONDS) from None
        finally:
            if left is not None:
                left[0] -= time.monotonic() - started
        self._quiet_until = 0.0  # it answers
        return got

    async def probe(self) -> None:
        """Whether Redis answers and takes writes (a readiness probe, called even while the
        link fails at once): Unavailable, or RedisFull, when not."""
        await self.call(lambda: self.redis.set(PROBE_KEY, b"1", px=60_000), recheck=True)

    async def memory(self) -> str:
        """How much memory Redis uses of its maxmemory, in words ("" when it does not say)."""
        with contextlib.suppress(Unavailable):
            got = await self.call(lambda: self.redis.info("memory"))
            return f"{got.get('used_memory_human', '?')} used of maxmemory {got.get('maxmemory_human', '?')}"
        return ""

    async def close(self) -> None:
        await self.redis.aclose()


def _seconds() -> float:
    """The longest a call made now may wait."""
    left = _left.get()
    return STORE_REPLY_SECONDS if left is None else min(left[0], STORE_REPLY_SECONDS)
