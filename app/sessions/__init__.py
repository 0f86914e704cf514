"""Sessions: one learner's model, its data and its run, and the store that keeps them.

No HTTP here: the API (app/api) turns requests into these calls and their answers
and errors into responses; the classroom (app/classroom) follows the store.

    base        Session: what every kind of session has and does
    dataset     DatasetSession: learns from a data set D
    td          TDSession: learns the values of TD mode's random walk
    kinds       new_session: the kind for a config
    config      ConfigIn: the server's one list of a session's settings and their bounds
    documents   a session as a JSON document that continues its run, and back
    run         the one call that takes n steps (or checks the gradient): budget, event loop
                or worker process, all or nothing
    workers     worker processes for the calls too long for the event loop
    budget      what one call may cost
    store       Store (its followers told each change) and MemoryStore, in this process's memory
    redis_store RedisStore: sessions in Redis (REDIS_URL), its scripts in redis_lua
    redis_link  the one way to Redis: every call bounded in time, retried only on a closed connection
    gradcheck   backprop against finite differences at the next step's point
    history, rngstate, numbers   the loss history, the generator's state, rounding
    errors      InputError, Diverged, SessionNotFound, StoreFull, TooManyRequests, Unavailable
"""

from .base import Session
from .config import ConfigIn
from .errors import Diverged, InputError, SessionNotFound
from .kinds import new_session
from .store import MemoryStore
from .td import prepare

__all__ = [
    "ConfigIn",
    "Diverged",
    "InputError",
    "MemoryStore",
    "Session",
    "SessionNotFound",
    "new_session",
    "prepare",
]
