"""Calls long enough to leave the event loop run in worker processes: at most one per
session, and WORKER_CALLS in all, each in a worker process of its own.

A worker is a process, not a thread: a thread doing NumPy's many small operations holds
the interpreter's lock most of the time, and every request the event loop serves waits
for it (tens of milliseconds under two busy threads).  A process shares nothing: the loop
keeps its core, and the workers run at a lower priority so that it gets one first.  Each
slot has a pool of one process, so a worker that is killed (out of memory, or by hand)
fails only the call it was running; the next call in that slot starts a new one.

The session goes to the worker as a copy (without its lock); the worker takes the steps,
encodes the answer there (a large network's trace is hundreds of thousands of numbers)
and sends back only what the call changed, the session's run (Session.run_state), which
the server then puts into its own session.  So a call that fails, or a worker that dies,
changes nothing.

The slots are shared fairly between clients (addresses).  A client's calls, running and
waiting, are at most half of the slots (one of two); past that, and on a session whose own
long call still runs or waits, a call is answered 429 at once.  A call that finds every
slot busy waits for one, in a queue of at most WORKER_WAITING calls per slot, for at most
WORKER_WAIT_SECONDS (past either 429 with Retry-After): a slot set free goes to the waiting
call of the client that holds the fewest slots, the oldest first among equals, so a client
looping calls never takes it from another who was already waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import orjson

from ..limits import WORKER_WAIT_SECONDS, WORKER_WAITING
from . import budget
from .base import Session
from .errors import Diverged, InputError, TooManyRequests, Unavailable

# Worker processes start from a server process that has imported this module (and with
# it NumPy and the sessions) once: a new worker is a fork of it, ready in milliseconds.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload([__name__])
WORKER_NICE = 10  # the event loop's process comes first on a busy machine
SERVER_WATCH_SECONDS = 0.5  # how often a worker looks whether its server is still there

_pools: dict[int, ProcessPoolExecutor] = {}  # slot -> its pool of one process, shared by a process's apps


@dataclass
class _Waiting:
    """A call waiting for a slot: its client, and the slot it is given."""

    client: str
    slot: asyncio.Future


class Workers:
    """The worker slots, shared fairly between clients (see the module's docstring)."""

    def __init__(
        self, limit: int, wait_seconds: float = WORKER_WAIT_SECONDS, waiting: int | None = None
    ) -> None:
        self.limit = limit
        self.per_client = max(1, limit // 2)
        self.wait_seconds = wait_seconds
        self.max_waiting = WORKER_WAITING * limit if waiting is None else waiting
        self.free = list(range(limit))  # the slots no call holds
        self.held: Counter = Counter()  # client -> slots it holds
        self.waiting: list[_Waiting] = []  # oldest first
        self.jobs: dict[int, asyncio.Future] = {}  # slot -> the call its worker is running

    @property
    def running(self) -> int:
        return self.limit - len(self.free)

    def start(self) -> None:
        """Starts the worker processes now rather than in the first learner's long call."""
        for ready in [_submit(slot, _ready)[1] for slot in range(self.limit)]:
            ready.result()

    @contextlib.asynccontextmanager
    async def slot(self, session: Session, client: str = "") -> AsyncIterator[int]:
        """Holds one of the worker slots (its number), and the session's one, for the block;
        waits for a slot when all are busy."""
        if session.busy:
            raise TooManyRequests("a long call on this session is still running; wait for its answer", 1)
        if self.held[client] + sum(w.client == client for w in self.waiting) >= self.per_client:
            raise TooManyRequests(
                f"{self.per_client} long call(s) from your address are running or waiting; "
                "wait for an answer first", 1
            )  # fmt: skip
        session.busy = True  # while it waits too: a second long call on it is refused, not queued
        try:
            slot = self._grant(client) if self.free else await self._wait(client)
            try:
                yield slot
            finally:
                self._give_back(client, slot)
        finally:
            session.busy = False

    async def steps(
        self, session: Session, n: int, to_episode_end: bool, encode: Callable, client: str = ""
    ) -> bytes:
        """n steps (let through by session.steps_for) in a worker, for a caller that holds the
        session's lock (Store.update); the answer as `encode(session, trace, losses)` made
        it.  Diverged as take_steps raises it."""
        async with self.slot(session, client) as slot:
            done = await self._run(slot, _steps, _copy(session), n, to_episode_end, encode)
            session.set_run_state(done.run)
            for seen in done.observed:
                budget.observe(*seen)
            if done.diverged_at is not None:
                raise Diverged(session, done.diverged_at)
            return done.body

    async def call(self, session: Session, method: str, *args, client: str = "") -> bytes:
        """A session's method that changes nothing (gradcheck), in a worker; its result as JSON."""
        async with self.slot(session, client) as slot:
            return (await self._run(slot, _call, _copy(session), method, *args)).body

    # ------------------------------------------------------------ the queue

    def _grant(self, client: str) -> int:
        self.held[client] += 1
        slot = min(self.free)
        self.free.remove(slot)
        return slot

    async def _wait(self, client: str) -> int:
        if len(self.waiting) >= self.max_waiting:
            raise TooManyRequests(
                f"all {self.limit} workers are busy and {len(self.waiting)} long calls are already "
                "waiting for them; try again in a few seconds", 2
            )  # fmt: skip
        waiting = _Waiting(client, asyncio.get_running_loop().create_future())
        self.waiting.append(waiting)
        try:
            async with asyncio.timeout(self.wait_seconds):
                return await waiting.slot
        except TimeoutError:
            if _given(waiting.slot):  # just as the wait ended
                return waiting.slot.result()
            raise TooManyRequests(
                f"waited {self.wait_seconds:g} s for one of the {self.limit} workers, all busy with "
                "other learners' long calls; try again in a few seconds", 2
            ) from None  # fmt: skip
        except BaseException:  # cancelled (its client left): a slot given meanwhile goes on
            if _given(waiting.slot):
                self._give_back(client, waiting.slot.result())
            raise
        finally:
            with contextlib.suppress(ValueError):
                self.waiting.remove(waiting)

    def _give_back(self, client: str, slot: int) -> None:
        """Frees the slot, or, when its worker is still running a call nobody waits for any
        more (cancelled), frees it once that call ends: until then the slot is not free."""
        job = self.jobs.pop(slot, None)
        if job is not None and not job.done():
            job.add_done_callback(lambda _: self._give_back(client, slot))
            return
        self.held[client] -= 1
        if not self.held[client]:
            del self.held[client]
        self.free.append(slot)
        self._serve()

    def _serve(self) -> None:
        """Gives the free slots to the waiting calls: first to the call of the client that
        holds the fewest slots, the oldest first among equals."""
        self.waiting = [w for w in self.waiting if not w.slot.done()]  # cancelled ones leave
        while self.free and self.waiting:
            first = min(self.waiting, key=lambda w: self.held[w.client])
            self.waiting.remove(first)
            first.slot.set_result(self._grant(first.client))

    async def _run(self, slot: int, job: Callable, *args) -> Done:
        pool, running = _submit(slot, job, *args)
        future = self.jobs[slot] = asyncio.wrap_future(running)
        try:
            done = await asyncio.shield(future)  # cancelled, the call goes on: see _give_back
        except BrokenProcessPool:  # this slot's worker was killed (out of memory, or by hand)
            _retire(slot, pool)
            message = "a worker process stopped during this call; nothing was changed, try again"
            raise Unavailable(message) from None
        if done.refused is not None:
            raise InputError(*done.refused)
        return done


def _given(slot: asyncio.Future) -> bool:
    return slot.done() and not slot.cancelled()


@dataclass
class Done:
    """What a worker sends back: the answer's bytes and the session's run, or why not."""

    body: bytes = b""
    run: dict | None = None
    diverged_at: int | None = None
    refused: tuple[str, str] | None = None  # an InputError's field and message
    observed: list[tuple] = field(default_factory=list)  # budget.observe's arguments


# ---------------------------------------------------------------- the pools, one per slot


def _submit(slot: int, job: Callable, *args) -> tuple[ProcessPoolExecutor, Future]:
    """job(*args) in the slot's worker; the pool too, to retire it should the worker die."""
    pool = _pool(slot)
    try:
        return pool, pool.submit(job, *args)
    except BrokenProcessPool:  # its worker died between calls: this call starts a new one
        _retire(slot, pool)
        pool = _pool(slot)
        return pool, pool.submit(job, *args)


def _pool(slot: int) -> ProcessPoolExecutor:
    pool = _pools.get(slot)
    if pool is None:
        # One BLAS thread per worker: the workers are the parallelism.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        pool = _pools[slot] = ProcessPoolExecutor(
            1, mp_context=_CONTEXT, initializer=_start, initargs=(os.getpid(),)
        )
    return pool


def _retire(slot: int, pool: ProcessPoolExecutor) -> None:
    """Drops a broken pool; the slot's next call makes a new one."""
    if _pools.get(slot) is pool:
        del _pools[slot]
    pool.shutdown(wait=False)


def close() -> None:
    """Stops every worker process (the server's shutdown)."""
    while _pools:
        _pools.popitem()[1].shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------- in the worker process


def _copy(session: Session) -> bytes:
    """The session as it is now, for a worker: taken here, not later in the pool's own thread."""
    return pickle.dumps(session, protocol=pickle.HIGHEST_PROTOCOL)


def _start(server: int) -> None:
    os.nice(WORKER_NICE)
    budget.costs()  # measured once per worker, as the server measures its own
    threading.Thread(target=_outlive_nothing, args=(server,), name="server-watch", daemon=True).start()


def _outlive_nothing(server: int) -> None:
    """Ends this worker when the server process is gone, however it ended (even SIGKILL,
    which gives the pool no chance to stop its workers)."""
    while True:
        time.sleep(SERVER_WATCH_SECONDS)
        try:
            os.kill(server, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # a process of another user took the number: ours is gone
            os._exit(0)


def _ready() -> None:
    return None


def _steps(copy: bytes, n: int, to_episode_end: bool, encode: Callable) -> Done:
    session, done = pickle.loads(copy), Done()
    try:
        trace, losses = session.run_steps(n, to_episode_end, observe=lambda *seen: done.observed.append(seen))
        done.body = encode(session, trace, losses)
    except Diverged as e:
        done.diverged_at = e.at_step
    except InputError as e:
        done.refused = (e.field, e.message)
    done.run = session.run_state()
    return done


def _call(copy: bytes, method: str, *args) -> Done:
    session = pickle.loads(copy)
    try:
        return Done(body=orjson.dumps(getattr(session, method)(*args), option=orjson.OPT_SERIALIZE_NUMPY))
    except InputError as e:
        return Done(refused=(e.field, e.message))
