"""The embedded store: sessions by id in this process's memory.

Bounded in number (least recently used evicted first) and in idle time.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict

from app.sessions.base import Session
from app.sessions.config import ConfigIn
from app.sessions.errors import SessionNotFound
from app.sessions.kinds import new_session


class MemoryStore:
    """Sessions by id: bounded in number (LRU eviction) and in idle time."""

    def __init__(self, max_sessions: int, idle_seconds: float) -> None:
        self.max_sessions = max_sessions
        self.idle_seconds = idle_seconds
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self.playing: dict[str, int] = {}  # live play streams per session id

    def __len__(self) -> int:
        return len(self._sessions)

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(24)  # 192 random bits

    def create(self, config: ConfigIn) -> Session:
        return self.add(new_session(self.new_id(), config))

    def add(self, session: Session) -> Session:
        """Keep a session made elsewhere (an imported one), evicting as create does."""
        self._expire()
        while len(self._sessions) >= self.max_sessions:
            self._sessions.popitem(last=False)
        self._sessions[session.id] = session
        return session

    def get(self, sid: str) -> Session:
        session = self._sessions.get(sid)
        now = time.monotonic()
        if session is None or now - session.last_used > self.idle_seconds:
            self._sessions.pop(sid, None)
            raise SessionNotFound(sid)
        session.last_used = now
        self._sessions.move_to_end(sid)
        return session

    def delete(self, sid: str) -> None:
        self.get(sid)
        del self._sessions[sid]

    def _expire(self) -> None:
        now = time.monotonic()
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if now - oldest.last_used <= self.idle_seconds:
                break
            self._sessions.popitem(last=False)

    def join_play(self, sid: str, per_session: int, total: int) -> bool:
        """Counts one more play stream on a session, unless that would pass a limit."""
        if self.playing.get(sid, 0) >= per_session or sum(self.playing.values()) >= total:
            return False
        self.playing[sid] = self.playing.get(sid, 0) + 1
        return True

    def leave_play(self, sid: str) -> None:
        left = self.playing.pop(sid) - 1
        if left:
            self.playing[sid] = left
