"""The one call that runs a session's work: n steps (a step request, a play frame) or a
gradient check, within the session's budget, on the event loop when it is short and in a
worker process when it is not (app/sessions/workers.py), all or nothing.

    answer = await run.take(store, workers, sid, n, to_episode_end, encode, tell="step")

`encode(session, trace, losses)` makes the answer's bytes where the steps were taken (in
the worker, for a long call: a large network's trace is hundreds of thousands of numbers);
it must be a module-level function, as a worker receives it by name.  `tell` names the
change for whoever follows the session (Store.follow: a class's students).

A long call on a session whose own long call still runs, or from a client (an address)
whose calls hold its share of the workers, is refused with TooManyRequests (429, or a
skipped tick in play mode) at once.  One that finds every worker busy waits its turn, fairly
between clients, with the session's lock held (other sessions go on), for at most
WORKER_WAIT_SECONDS; a full queue or a wait that runs out is TooManyRequests too.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson

from .base import Session
from .store import Store
from .workers import Workers

Encode = Callable[[Session, dict, object], bytes]


async def take(
    store: Store,
    workers: Workers,
    sid: str,
    n: int,
    to_episode_end: bool,
    encode: Encode,
    tell: str,
    client: str = "",
) -> bytes:
    """n steps of session `sid` (InputError naming n past its budget), its answer as `encode`
    makes it; Diverged (nothing changed but the diverged mark) when a step would diverge."""

    async def change(session: Session) -> bytes:
        steps = session.steps_for(n, to_episode_end)
        if session.leaves_loop(steps):
            return await workers.steps(session, steps, to_episode_end, encode, client)
        return encode(session, *session.run_steps(steps, to_episode_end))

    def long(session: Session) -> bool:
        return session.leaves_loop(session.steps_for(n, to_episode_end))

    return await store.update(sid, change, long, tell=tell)


async def gradcheck(store: Store, workers: Workers, sid: str, weight: str | None, client: str = "") -> bytes:
    """Backprop against central differences at the next step's point, as JSON: every
    weight, or the one named `weight` (Session.gradcheck); a large network's in a worker."""
    async with store.session(sid) as session:
        if session.gradcheck_leaves_loop(weight):
            return await workers.call(session, "gradcheck", weight, client=client)
        return orjson.dumps(session.gradcheck(weight), option=orjson.OPT_SERIALIZE_NUMPY)
