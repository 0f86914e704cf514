"""Where sessions are kept: the Store interface, and the embedded MemoryStore.

Every route reads a session through `Store.session` and changes one through
`Store.update`, so that a store that keeps sessions elsewhere (RedisStore, for many
processes) can load, lock and save around the change.  A change that says what it is
(`tell`: "step", "frame", "session") is told, once saved, to every follower of the store
(`Store.follow`): the classroom, which sends a class's students what its teacher's session
did.  The store knows nothing of them beyond the tag it keeps for them (RedisStore).
Play streams are counted per process (PlaySlots): a stream is a connection to this
process and work on its cores.

MemoryStore: sessions by id in this process's memory.  Bounded in number, in bytes
(each session's counted by Session.nbytes) and in idle time, and shared fairly: each
client (an address) may hold a share of the store, and past its share it makes room
by dropping its own least recently used sessions.  When the store as a whole is full,
a session in use (used within `in_use_seconds`) is dropped to make room for another
client's only when its client holds the most sessions and two more than the newcomer's
(its least recently used one goes): in use never protects one address's excess.  When
sessions in use are spread evenly the new session is refused instead.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from abc import ABC, abstractmethod
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from .base import Session
from .config import ConfigIn
from .errors import InputError, SessionNotFound, StoreFull, TooManyRequests
from .kinds import made

T = TypeVar("T")
Long = Callable[[Session], bool] | None  # which changes are long (see Store.update)
# A follower: (the session as the change left it, what the change was, what it answered, the
# session's tag as the store keeps it, or None), told after the change is saved; it answers
# what is to be awaited before the change's result goes back, or None (a step, a frame of a
# session nobody follows: no coroutine is made for it).
Follower = Callable[[Session, str, object, str | None], Awaitable[None] | None]


class Store(ABC):
    """Sessions by their secret ids."""

    plays: PlaySlots
    followers: tuple[Follower, ...] = ()

    def follow(self, follower: Follower) -> None:
        """`follower` is told every change made with a `tell` (see Store.update)."""
        self.followers = (*self.followers, follower)

    def _told(self, session: Session, tell: str, result, tag: str | None = None) -> list[Awaitable[None]]:
        """The followers told of a change: what they ask to be awaited before its result goes back."""
        return [
            job for follower in self.followers if (job := follower(session, tell, result, tag)) is not None
        ]

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(24)  # 192 random bits

    async def create(self, config: ConfigIn, client: str = "") -> Session:
        return await self.add(await made(self.new_id(), config), client)

    @abstractmethod
    async def add(self, session: Session, client: str = "") -> Session:
        """Keeps a new session (made here or imported) for `client`; StoreFull when there is no room."""

    @abstractmethod
    def session(self, sid: str, history: bool = False) -> contextlib.AbstractAsyncContextManager[Session]:
        """The session to read (SessionNotFound if there is none); with `history`, its loss
        history too.  What is done with it inside the block is not saved."""

    @abstractmethod
    async def update(
        self, sid: str, change: Callable[[Session], Awaitable[T]], long: Long = None, tell: str | None = None
    ) -> T:
        """Runs `change` on the session with its lock held and keeps what it changed; also
        when it raises Diverged (the session is then as before, marked diverged).  A change
        that is `long` for the session is refused (TooManyRequests) while another long one
        runs on it, rather than queued behind it.  Once it is kept, a change with a `tell`
        is told to the followers, before its result is returned."""

    @abstractmethod
    async def delete(self, sid: str) -> None:
        """Forgets the session; SessionNotFound if there is none."""

    @abstractmethod
    async def recent_losses(self, sid: str, n: int) -> list[float]:
        """The session's last n per-step losses, oldest first, read without its run or its
        whole history (a class's teacher watches many students' runs); [] if there is none."""

    @abstractmethod
    async def count(self) -> int:
        """How many sessions the store holds."""

    def _bound(self, max_sessions, idle_seconds, max_bytes, per_client, client_bytes, in_use_seconds) -> None:
        """The bounds every store keeps to: in count, in idle time, in bytes, and each client's share."""
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self.max_bytes = max_bytes
        self.per_client = min(per_client or max_sessions, max_sessions)
        self.client_bytes = min(client_bytes or max_bytes, max_bytes)
        self.in_use_seconds = in_use_seconds

    async def ready(self) -> str | None:
        """None when the store can serve, else why not (for /readyz)."""
        return None

    async def close(self) -> None:  # noqa: B027 (a store with nothing to let go of keeps this)
        """Lets go of connections (the server's shutdown)."""


def refuse_if_busy(session: Session, long: Callable[[Session], bool] | None) -> None:
    if long is not None and session.busy and long(session):
        raise TooManyRequests("a long call on this session is still running; wait for its answer", 1)


class PlaySlots:
    """The play streams of this process: per session, per client, and the work they ask for."""

    def __init__(self) -> None:
        self.playing: dict[str, int] = {}  # live play streams per session id
        self.players: Counter = Counter()  # live play streams per client
        self.load = 0.0  # the estimated seconds of work a second that all streams ask for

    def join(self, sid: str, client: str, per_session: int, per_client: int, total: int) -> bool:
        """Counts one more play stream on a session for a client, unless that would pass a limit."""
        if (
            self.playing.get(sid, 0) >= per_session
            or self.players[client] >= per_client
            or sum(self.playing.values()) >= total
        ):
            return False
        self.playing[sid] = self.playing.get(sid, 0) + 1
        self.players[client] += 1
        return True

    def leave(self, sid: str, client: str) -> None:
        left = self.playing.pop(sid) - 1
        if left:
            self.playing[sid] = left
        self.players[client] -= 1
        if not self.players[client]:
            del self.players[client]


class MemoryStore(Store):
    def __init__(
        self,
        max_sessions: int,
        idle_seconds: float,
        max_bytes: int = 2**62,
        per_client: int | None = None,
        client_bytes: int | None = None,
        in_use_seconds: float = 0.0,
    ) -> None:
        self._bound(max_sessions, idle_seconds, max_bytes, per_client, client_bytes, in_use_seconds)
        self._sessions: OrderedDict[str, Session] = OrderedDict()  # least recently used first
        self._owner: dict[str, str] = {}  # session id -> the client that made it
        self._bytes: dict[str, int] = {}  # session id -> its counted bytes when stored
        self._held = Counter()  # client -> sessions it holds
        self._held_bytes = Counter()  # client -> bytes it holds
        self.bytes = 0
        self.plays = PlaySlots()

    def __len__(self) -> int:
        return len(self._sessions)

    async def add(self, session: Session, client: str = "") -> Session:
        return self.keep(session, client)

    @contextlib.asynccontextmanager
    async def session(self, sid: str, history: bool = False) -> AsyncIterator[Session]:
        yield self.get(sid)

    async def update(
        self, sid: str, change: Callable[[Session], Awaitable[T]], long: Long = None, tell: str | None = None
    ) -> T:
        session = self.get(sid)
        refuse_if_busy(session, long)
        async with session.lock:
            result = await change(session)
        if tell is not None:
            for job in self._told(session, tell, result):
                await job
        return result

    async def delete(self, sid: str) -> None:
        self.get(sid)
        self._drop(sid)

    async def recent_losses(self, sid: str, n: int) -> list[float]:
        session = self._sessions.get(sid)
        return [] if session is None else session.history.since(session.history.total - n).tolist()

    async def count(self) -> int:
        self._expire()
        return len(self._sessions)

    def keep(self, session: Session, client: str = "") -> Session:
        """Keeps a new session (made here or imported) for `client`, making room as the
        module's docstring says; StoreFull when there is none to make."""
        self._expire()
        size = session.nbytes()
        if size > self.client_bytes:
            limit = self.client_bytes
            raise InputError("config", f"this session would take {size} bytes; the limit is {limit}")
        while self._held[client] >= self.per_client or self._held_bytes[client] + size > self.client_bytes:
            self._drop(self._oldest_of(client))
        now = time.monotonic()
        while len(self._sessions) >= self.max_sessions or self.bytes + size > self.max_bytes:
            oldest = next(iter(self._sessions))
            if now - self._sessions[oldest].last_used >= self.in_use_seconds:
                self._drop(oldest)
                continue
            # Every session is in use: the address that holds the most gives up its own least
            # recently used one, in use or not, while it holds two more than the newcomer's.
            most, held = max(self._held.items(), key=lambda pair: pair[1])
            if most == client or held < self._held[client] + 2:
                raise StoreFull(retry_after=max(1, round(self.in_use_seconds / 4)))
            self._drop(self._oldest_of(most))
        self._sessions[session.id] = session
        self._owner[session.id], self._bytes[session.id] = client, size
        self._held[client] += 1
        self._held_bytes[client] += size
        self.bytes += size
        return session

    def get(self, sid: str) -> Session:
        """The live session (this store's own object, here in memory)."""
        session = self._sessions.get(sid)
        now = time.monotonic()
        if session is None or now - session.last_used > self.idle_seconds:
            if session is not None:
                self._drop(sid)
            raise SessionNotFound(sid)
        session.last_used = now
        self._sessions.move_to_end(sid)
        return session

    def _oldest_of(self, client: str) -> str:
        return next(sid for sid in self._sessions if self._owner[sid] == client)

    def _drop(self, sid: str) -> None:
        del self._sessions[sid]
        client, size = self._owner.pop(sid), self._bytes.pop(sid)
        self._held[client] -= 1
        self._held_bytes[client] -= size
        if not self._held[client]:
            del self._held[client], self._held_bytes[client]
        self.bytes -= size

    def _expire(self) -> None:
        now = time.monotonic()
        while self._sessions:
            oldest_id, oldest = next(iter(self._sessions.items()))
            if now - oldest.last_used <= self.idle_seconds:
                break
            self._drop(oldest_id)
