"""Calls long enough to leave the event loop run in worker processes: at most one per
session, and WORKER_CALLS in all.

A worker is a process, not a thread: a thread doing NumPy's many small operations holds
the interpreter's lock most of the time, and every request the event loop serves waits
for it (tens of milliseconds under two busy threads).  A process shares nothing: the loop
keeps its core, and the workers run at a lower priority so that it gets one first.

The session goes to the worker as a copy (without its lock); the worker takes the steps,
encodes the answer there (a large network's trace is hundreds of thousands of numbers)
and sends back only what the call changed, the session's run (Session.run_state), which
the server then puts into its own session.  So a call that fails, or a worker that dies,
changes nothing.

A call past either limit is not queued (a queue would hold the client's connection and
the server's memory while it waits): it is answered 429 with Retry-After at once.
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
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import orjson

from app.sessions import budget
from app.sessions.base import Session
from app.sessions.errors import Diverged, InputError, TooManyRequests, Unavailable

# Worker processes start from a server process that has imported this module (and with
# it NumPy and the sessions) once: a new worker is a fork of it, ready in milliseconds.
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload([__name__])
WORKER_NICE = 10  # the event loop's process comes first on a busy machine
SERVER_WATCH_SECONDS = 0.5  # how often a worker looks whether its server is still there

_pools: dict[int, ProcessPoolExecutor] = {}  # one pool per size, shared by the apps of a process


class Workers:
    """The worker slots, shared fairly: one client (an address) may hold at most half of them
    (one of two), so a client looping long calls on many sessions leaves room for others."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.per_client = max(1, limit // 2)
        self.running = 0
        self.held: Counter = Counter()  # client -> slots it holds

    def start(self) -> None:
        """Starts the worker processes now rather than in the first learner's long call."""
        pool = _pool(self.limit)
        for ready in [pool.submit(_ready) for _ in range(self.limit)]:
            ready.result()

    @contextlib.contextmanager
    def slot(self, session: Session, client: str = "") -> Iterator[None]:
        """Holds one of the worker slots, and the session's one, for the block."""
        if session.busy:
            raise TooManyRequests("a long call on this session is still running; wait for its answer", 1)
        if self.held[client] >= self.per_client:
            raise TooManyRequests(
                f"{self.per_client} long call(s) from your address are running; wait for an answer first", 1
            )
        if self.running >= self.limit:
            raise TooManyRequests(
                f"the server is running {self.limit} long calls for other learners; try again in a second", 1
            )
        self.running += 1
        self.held[client] += 1
        session.busy = True
        try:
            yield
        finally:
            self.running -= 1
            self.held[client] -= 1
            if not self.held[client]:
                del self.held[client]
            session.busy = False

    async def steps(
        self, session: Session, n: int, to_episode_end: bool, encode: Callable, client: str = ""
    ) -> bytes:
        """n steps (let through by session.steps_for) in a worker, for a caller that holds the
        session's lock (Store.update); the answer as `encode(session, trace, losses)` made
        it.  Diverged as take_steps raises it."""
        with self.slot(session, client):
            done = await self._run(_steps, _copy(session), n, to_episode_end, encode)
            session.set_run_state(done.run)
            for seen in done.observed:
                budget.observe(*seen)
            if done.diverged_at is not None:
                raise Diverged(session, done.diverged_at)
            return done.body

    async def call(self, session: Session, method: str, *args, client: str = "") -> bytes:
        """A session's method that changes nothing (gradcheck), in a worker; its result as JSON."""
        with self.slot(session, client):
            return (await self._run(_call, _copy(session), method, *args)).body

    async def _run(self, job: Callable, *args) -> Done:
        loop = asyncio.get_running_loop()
        pool = _pool(self.limit)
        try:
            done = await loop.run_in_executor(pool, job, *args)
        except BrokenProcessPool:  # a worker was killed (out of memory, or by hand)
            if _pools.get(self.limit) is pool:
                del _pools[self.limit]
            message = "a worker process stopped during this call; nothing was changed, try again"
            raise Unavailable(message) from None
        if done.refused is not None:
            raise InputError(*done.refused)
        return done


@dataclass
class Done:
    """What a worker sends back: the answer's bytes and the session's run, or why not."""

    body: bytes = b""
    run: dict | None = None
    diverged_at: int | None = None
    refused: tuple[str, str] | None = None  # an InputError's field and message
    observed: list[tuple] = field(default_factory=list)  # budget.observe's arguments


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


def _pool(size: int) -> ProcessPoolExecutor:
    pool = _pools.get(size)
    if pool is None:
        # One BLAS thread per worker: the workers are the parallelism.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        pool = _pools[size] = ProcessPoolExecutor(
            size, mp_context=_CONTEXT, initializer=_start, initargs=(os.getpid(),)
        )
    return pool


def close() -> None:
    """Stops every worker process (the server's shutdown)."""
    while _pools:
        _pools.popitem()[1].shutdown(wait=True, cancel_futures=True)
