"""Sessions: one learner's model, its data and its run, and the store that keeps them.

No HTTP here: the API (app/api) turns requests into these calls and their answers
and errors into responses.

    base        Session: what every kind of session has and does
    dataset     DatasetSession: learns from a data set D
    td          TDSession: learns the values of TD mode's random walk
    kinds       new_session: the kind for a config
    config      ConfigIn: the server's one list of a session's settings and their bounds
    documents   a session as a JSON document that continues its run, and back
    store       MemoryStore: sessions in this process's memory
    channel     live fan-out of a class: in this process, or over Redis pub/sub (REDIS_URL)
    classes     classes (a session that students follow): the registry, in memory
    classes_redis  ... and in Redis (REDIS_URL)
    budget      what one call may cost
    errors      InputError, Diverged, SessionNotFound
"""

from app.sessions.base import Session
from app.sessions.config import ConfigIn
from app.sessions.errors import Diverged, InputError, SessionNotFound
from app.sessions.kinds import new_session
from app.sessions.store import MemoryStore

__all__ = ["ConfigIn", "Diverged", "InputError", "MemoryStore", "Session", "SessionNotFound", "new_session"]
