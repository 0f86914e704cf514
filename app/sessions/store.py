"""The embedded store: sessions by id in this process's memory.

Bounded in number, in bytes (each session's counted by Session.nbytes) and in idle
time, and shared fairly: each client (an address) may hold a share of the store, and
past its share it makes room by dropping its own least recently used sessions.  When
the store as a whole is full, a session in use (used within `in_use_seconds`) is never
dropped to make room for another client's: the new session is refused instead.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter, OrderedDict

from app.sessions.base import Session
from app.sessions.config import ConfigIn
from app.sessions.errors import InputError, SessionNotFound, StoreFull
from app.sessions.kinds import new_session


class MemoryStore:
    def __init__(
        self,
        max_sessions: int,
        idle_seconds: float,
        max_bytes: int = 2**62,
        per_client: int | None = None,
        client_bytes: int | None = None,
        in_use_seconds: float = 0.0,
    ) -> None:
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self.max_bytes = max_bytes
        self.per_client = min(per_client or max_sessions, max_sessions)
        self.client_bytes = min(client_bytes or max_bytes, max_bytes)
        self.in_use_seconds = in_use_seconds
        self._sessions: OrderedDict[str, Session] = OrderedDict()  # least recently used first
        self._owner: dict[str, str] = {}  # session id -> the client that made it
        self._bytes: dict[str, int] = {}  # session id -> its counted bytes when stored
        self._held = Counter()  # client -> sessions it holds
        self._held_bytes = Counter()  # client -> bytes it holds
        self.bytes = 0
        self.playing: dict[str, int] = {}  # live play streams per session id
        self.players: Counter = Counter()  # live play streams per client
        self.play_load = 0.0  # the estimated seconds of work a second that all streams ask for

    def __len__(self) -> int:
        return len(self._sessions)

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(24)  # 192 random bits

    def create(self, config: ConfigIn, client: str = "") -> Session:
        return self.add(new_session(self.new_id(), config), client)

    def add(self, session: Session, client: str = "") -> Session:
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
            if now - self._sessions[oldest].last_used < self.in_use_seconds:
                raise StoreFull(retry_after=max(1, round(self.in_use_seconds / 4)))
            self._drop(oldest)
        self._sessions[session.id] = session
        self._owner[session.id], self._bytes[session.id] = client, size
        self._held[client] += 1
        self._held_bytes[client] += size
        self.bytes += size
        return session

    def get(self, sid: str) -> Session:
        session = self._sessions.get(sid)
        now = time.monotonic()
        if session is None or now - session.last_used > self.idle_seconds:
            if session is not None:
                self._drop(sid)
            raise SessionNotFound(sid)
        session.last_used = now
        self._sessions.move_to_end(sid)
        return session

    def delete(self, sid: str) -> None:
        self.get(sid)
        self._drop(sid)

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

    def join_play(self, sid: str, client: str, per_session: int, per_client: int, total: int) -> bool:
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

    def leave_play(self, sid: str, client: str) -> None:
        left = self.playing.pop(sid) - 1
        if left:
            self.playing[sid] = left
        self.players[client] -= 1
        if not self.players[client]:
            del self.players[client]
