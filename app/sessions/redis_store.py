"""RedisStore: every session in Redis, so that any worker of any replica serves any session.

A session is kept as the export document's content (app/sessions/redis_lua.py has the
keys): its config with its data set, written when the session is made and again only
when the config changes; its run (weights, step, generator, shuffle, walk), rewritten
by every change; its loss history in a list of its own, appended and trimmed.

Changes are optimistic across processes: a change starts from the run at version v and
is saved only if the run is still at v (a Lua script compares and bumps the version);
otherwise it is computed again from the newer run.  Within a process a lock per session
lets one change at a time through, so only changes from different processes ever meet.
An answer leaves only after its change is saved.

Each process keeps the sessions it has served (the config and data set made into a
Session once); a load fetches the run, and the config only when it changed.

When Redis cannot be reached, or does not answer, an operation fails within about
STORE_REPLY_SECONDS with Unavailable (503), changing nothing, and the next one after Redis is
back succeeds (app/sessions/redis_link.py has how).  When it is full (maxmemory reached with
noeviction) sessions are still read, without the touch that keeps them alive (PEEK), and a
change fails with RedisFull (503 saying so).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import orjson

from ..limits import HISTORY, STALE_WAIT_SECONDS, STORE_TRIES
from . import redis_lua
from .base import Session
from .config import ConfigIn
from .documents import load_stored_run, stored_run
from .errors import Diverged, InputError, SessionNotFound, StoreFull, TooManyRequests, Unavailable
from .kinds import made
from .redis_link import RedisFull, RedisLink, one_wait
from .store import Long, PlaySlots, Store, refuse_if_busy

T = TypeVar("T")
AWAY = "the session store (Redis) cannot be reached just now; nothing was changed, try again shortly"
FULL = (
    "the session store (Redis) is full: sessions can be read, but none can be changed or made "
    "until it has room again; nothing was changed"
)


class RedisStore(Store):
    def __init__(
        self,
        url: str,
        max_sessions: int,
        idle_seconds: float,
        max_bytes: int = 2**62,
        per_client: int | None = None,
        client_bytes: int | None = None,
        in_use_seconds: float = 0.0,
        tag_prefix: str = "",
    ) -> None:
        self._bound(max_sessions, idle_seconds, max_bytes, per_client, client_bytes, in_use_seconds)
        self.idle_ms = int(idle_seconds * 1000)
        self.in_use_ms = int(in_use_seconds * 1000)
        self.link = RedisLink(url, AWAY, FULL)
        self.redis = self.link.redis
        self._scripts = {
            name: self.redis.register_script(getattr(redis_lua, name))
            for name in ("ADD", "LOAD", "PEEK", "SAVE", "DROP")
        }
        self._local: OrderedDict[str, _Copy] = OrderedDict()  # the sessions this process has served
        self._local_bytes = 0
        self._locks: dict[str, _Lock] = {}
        # Each session's tag, the value its followers keep at tag_prefix + id (the classroom: the
        # code of the class it teaches), as its last load or save read it; told with each change.
        self.tag_prefix = tag_prefix or redis_lua.PREFIX + "tag:"
        self.tags: dict[str, str] = {}
        self.plays = PlaySlots()

    # ------------------------------------------------------------ the Store interface

    async def add(self, session: Session, client: str = "") -> Session:
        size = session.nbytes()
        config = orjson.dumps(session.stored_config(), option=orjson.OPT_SERIALIZE_NUMPY)
        args = [
            session.id, client, size, _now(), self.idle_ms, self.max_sessions, self.max_bytes,
            self.per_client, self.client_bytes, self.in_use_ms, config, stored_run(session), HISTORY,
            *_losses(session.history.since(0)),
        ]  # fmt: skip
        answer = await self._run("ADD", args)
        if answer == b"large":
            raise InputError(
                "config", f"this session would take {size} bytes; the limit is {self.client_bytes}"
            )
        if answer == b"full":
            raise StoreFull(retry_after=max(1, round(self.in_use_ms / 4000)))
        self._keep(session.id, _Copy(b"1", session, b"1"))
        return session

    @contextlib.asynccontextmanager
    async def session(self, sid: str, history: bool = False) -> AsyncIterator[Session]:
        async with self._lock(sid):
            with one_wait():
                copy = await self._load(sid, history)
            yield copy.session

    async def update(
        self, sid: str, change: Callable[[Session], Awaitable[T]], long: Long = None, tell: str | None = None
    ) -> T:
        with one_wait():  # the load, the save and what the followers send: one wait for Redis
            return await self._update(sid, change, long, tell)

    async def _update(
        self, sid: str, change: Callable[[Session], Awaitable[T]], long: Long, tell: str | None
    ) -> T:
        copy = self._local.get(sid)
        if copy is not None:
            refuse_if_busy(copy.session, long)
        async with self._lock(sid):
            # The copy here is changed at the version it knows, and the change saved only if
            # that is still the session's version: one round trip when no other process
            # changed the session meanwhile, and the change computed again when one did.
            copy = self._local.get(sid) or await self._load(sid)
            for _ in range(STORE_TRIES):
                session = copy.session
                before = _Before(session)
                try:
                    result = await change(session)
                except Diverged:
                    if await self._save(copy, before):
                        raise
                except (InputError, TooManyRequests, Unavailable):
                    raise  # refused before anything changed: the copy here is as it was
                except BaseException:
                    self._forget(sid)  # the copy here may be half changed: load it afresh next time
                    raise
                else:
                    if await self._save(copy, before):
                        break
                # Another process changed it first: after a moment's random wait, so that two
                # processes taking turns on one session do not keep meeting, again from it.
                await asyncio.sleep(random.uniform(0, STALE_WAIT_SECONDS))
                copy = self._local.get(sid) or await self._load(sid)
            else:
                raise TooManyRequests(
                    "this session is being changed from several places at once; try again", 1
                )
        if tell is not None:
            for job in self._told(session, tell, result, self.tags.get(sid)):
                await job
        return result

    async def delete(self, sid: str) -> None:
        self._forget(sid)
        if not await self._run("DROP", [sid]):
            raise SessionNotFound(sid)

    async def recent_losses(self, sid: str, n: int) -> list[float]:
        got = await self.link.call(lambda: self.redis.lrange(f"{redis_lua.PREFIX}s:{sid}:history", -n, -1))
        return [float(x) for x in got]

    async def count(self) -> int:
        return await self.link.call(
            lambda: self.redis.zcount(redis_lua.PREFIX + "lru", _now() - self.idle_ms, "+inf")
        )

    async def ready(self) -> str | None:
        with one_wait():
            try:
                await self.link.probe()
            except RedisFull:
                return (
                    f"the session store (Redis) is full ({await self.link.memory()}): sessions can "
                    "be read, but none can be changed or made until it has room again"
                )
            except Unavailable:
                return "the session store (Redis) cannot be reached, or did not answer in time"
        return None

    async def close(self) -> None:
        await self.link.close()

    # ------------------------------------------------------------ loading and saving

    async def _load(self, sid: str, history: bool = False) -> _Copy:
        """The session as Redis has it, into the copy here (made from its config if need be)."""
        copy = self._local.get(sid)
        known = (copy.cgen, copy.version) if copy is not None else (b"0", b"")
        args = [sid, _now(), self.idle_ms, known[0], "1" if history else "0", known[1], self.tag_prefix]
        try:
            got = await self._run("LOAD", args)
        except RedisFull:  # its touch is refused: read all the same
            got = await self._run("PEEK", args)
        if not got:
            self._forget(sid)
            raise SessionNotFound(sid)
        version, run, cgen, config, losses, tag, clock = got
        self.link.learn(clock)
        self._tag(sid, tag)
        if config:  # made here for the first time, or its config changed elsewhere
            if not run:  # (a copy at this version but of another config cannot be: made afresh)
                self._forget(sid)
                return await self._load(sid, history)
            session = await made(sid, ConfigIn.model_validate_json(config))
        elif copy is None:  # expired between the keys' reads: as good as gone
            raise SessionNotFound(sid)
        else:
            session = copy.session
        if run:
            load_stored_run(session, run)
        if history:
            session.history = type(session.history)()
            session.history.extend([float(x) for x in losses])
        return self._keep(sid, _Copy(cgen, session, version))

    async def _save(self, copy: _Copy, before: _Before) -> bool:
        """Saves a change made from the copy's version.  False when the session had changed
        meanwhile: the copy then holds the session as it is now (or is forgotten, to be made
        afresh, when its config changed here or there)."""
        session = copy.session
        config = b""
        if session.config_changes != before.configs:
            config = orjson.dumps(session.stored_config(), option=orjson.OPT_SERIALIZE_NUMPY)
        fresh = session.history.serial != before.serial  # a reset: the history starts again
        losses = session.history.since(0 if fresh else before.total)
        args = [
            session.id,
            _now(),
            self.idle_ms,
            copy.version,
            stored_run(session),
            config,
            HISTORY,
            int(fresh),
            self.tag_prefix,
            self.link.fence(),
        ]
        try:
            got = await self._run("SAVE", args + _losses(losses))
        except Unavailable:
            self._forget(session.id)  # the change here was not saved: load the session afresh
            raise
        if got is None:
            self._forget(session.id)
            raise SessionNotFound(session.id)
        self.link.learn(got[-1])
        if got[0] == 2:  # past its deadline on Redis's clock (RedisLink.fence): not saved
            self._forget(session.id)
            raise Unavailable(AWAY, retry_after=2)
        if got[0] == 1:
            _, version, cgen, tag, _ = got
            self._tag(session.id, tag)
            self._keep(session.id, _Copy(cgen, session, version))
            return True
        _, version, run, cgen, tag, _ = got
        self._tag(session.id, tag)
        if config or cgen != copy.cgen:
            self._forget(session.id)
        else:
            load_stored_run(session, run)
            copy.version = version
        return False

    def _tag(self, sid: str, tag: bytes | None) -> None:
        if tag:
            self.tags[sid] = tag.decode()
        else:
            self.tags.pop(sid, None)

    async def _run(self, script: str, args: list):
        return await self.link.call(lambda: self._scripts[script](keys=[], args=args))

    # ------------------------------------------------------------ this process's copies

    def _keep(self, sid: str, copy: _Copy) -> _Copy:
        old = self._local.pop(sid, None)
        if old is not None:
            self._local_bytes -= old.session.nbytes()
        self._local[sid] = copy
        self._local_bytes += copy.session.nbytes()
        while len(self._local) > self.max_sessions or self._local_bytes > self.max_bytes:
            self._local_bytes -= self._local.popitem(last=False)[1].session.nbytes()
        return copy

    def _forget(self, sid: str) -> None:
        self.tags.pop(sid, None)
        old = self._local.pop(sid, None)
        if old is not None:
            self._local_bytes -= old.session.nbytes()

    def _lock(self, sid: str) -> _Lock:
        lock = self._locks.get(sid)
        if lock is None:
            lock = self._locks[sid] = _Lock(self._locks, sid)
        return lock


class _Copy:
    """A session as this process holds it: made from the config of generation `cgen`, with
    the run of `version` (or a change of it under way)."""

    __slots__ = ("cgen", "session", "version")

    def __init__(self, cgen: bytes, session: Session, version: bytes) -> None:
        self.cgen, self.session, self.version = cgen, session, version


class _Before:
    """What a change is compared with when it is saved: the config and history it started from."""

    def __init__(self, session: Session) -> None:
        self.configs = session.config_changes
        self.serial, self.total = session.history.serial, session.history.total


class _Lock:
    """A session's lock in this process, kept only while someone holds or waits for it."""

    def __init__(self, locks: dict, sid: str) -> None:
        self._lock, self._locks, self._sid, self._users = asyncio.Lock(), locks, sid, 0

    async def __aenter__(self) -> None:
        self._users += 1
        try:
            await self._lock.acquire()
        except BaseException:
            self._leave()
            raise

    async def __aexit__(self, *exc) -> None:
        self._lock.release()
        self._leave()

    def _leave(self) -> None:
        self._users -= 1
        if not self._users:
            self._locks.pop(self._sid, None)


def _now() -> int:
    return int(time.time() * 1000)


def _losses(losses) -> list[bytes]:
    """Losses as the history list keeps them: the shortest text that reads back as the same float."""
    return [orjson.dumps(x) for x in losses.tolist()]
