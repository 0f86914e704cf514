"""The registry of classes: a teacher's session that students follow.

A class is its code (six characters a projector shows and a phone types), the teacher's
session id, a hash of the teacher key, when it was made and last used, its `state` (what
the teacher's commands set, by name: the view, whether students are paused or released,
the open quiz and its true value once revealed, ...; app/classroom/commands.py), the
students' answers (the last one of each counts) and the last broadcast of the session (its
state and trace), from which a student who joins or reconnects is brought up to date, and
its report (the questions revealed: app/classroom/report.py), kept a while after it ends, and
the students' own runs once released (app/classroom/runs.py).  The registry keeps `state` as
JSON values by name and knows none of them but a few: answers are taken while a `quiz` is set
and its `truth` is not, while `locked` is true only the ids on the class's roll join
(app/classroom/door.py), runs are kept while `released` is true, and a student's run on show
in a class's `spotlight` starts no class of its own.

Two backends, as for sessions: MemoryRegistry in this process; RedisRegistry
(app/classroom/registry_redis.py) in Redis, shared by every replica.  Every class is
bounded: at most `max_size` students counted and answers kept; the oldest classes make
room when `max_classes` are held; a class unused for `idle_seconds` expires.

Connected students are counted across replicas by heartbeat: each counts itself on
joining and again every CLASS_HEARTBEAT_SECONDS, and one not counted for
CLASS_STUDENT_TTL_SECONDS (its replica died without saying goodbye) is no longer counted.
`code_of` tells which class a session teaches, for each change of a session: one dict
lookup here, the store's tag of the session in Redis.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import time
from abc import abstractmethod
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from .. import limits
from .door import Door, MemoryDoor, Roll
from .errors import ClassNotFound, WrongKey
from .runs import ON_SHOW, MemoryRuns, RunBook, Runs, on_show
from .seats import Seats

# No look-alikes: no 0/O/Q/D, 1/I/L/T, 2/Z, 5/S, 8/B, U/V, nor a vowel-heavy word by chance.
ALPHABET = "ACEFGHJKMNPRWXY34679"
CODE_LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_key() -> str:
    return secrets.token_urlsafe(24)  # 192 random bits, 32 characters


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def normal_code(text: str) -> str:
    """A code as a student may type it: any case, spaces and dashes aside."""
    return text.strip().upper().replace("-", "").replace(" ", "")


@dataclass
class ClassInfo:
    code: str
    session: str  # the teacher's session id (a secret: never sent to students)
    key_hash: str
    created: float
    used: float
    state: dict = field(default_factory=dict)  # name -> a JSON value, as the commands set them
    version: int = 0  # counts what changed the session on show: its broadcasts recorded, its moves

    def check(self, key: str | None) -> None:
        if not hmac.compare_digest(self.key_hash.encode(), hash_key(key or "").encode()):
            raise WrongKey()

    def asking(self) -> bool:
        """Whether answers are taken: a quiz is open and not yet revealed."""
        return self.state.get("quiz") is not None and self.state.get("truth") is None


class Registry(Door, Runs):
    def __init__(self, max_size: int, idle_seconds: float, max_classes: int) -> None:
        self.max_size = max_size
        self.idle_seconds = idle_seconds
        self.max_classes = max_classes

    async def create(self, session_id: str) -> tuple[ClassInfo, str, str | None]:
        """A new class of the session: (the class, its teacher key, the code of the class
        this session taught before, which this one replaces and ends)."""
        key, now = new_key(), time.time()
        while True:
            tags = {"tag_key": secrets.token_hex(16)}  # the class's secret for its roster's address tags
            info = ClassInfo(new_code(), session_id, hash_key(key), now, now, state=tags)
            made, old = await self._add(info)
            if made == ON_SHOW:
                raise on_show()
            if made:
                return info, key, old

    async def authorize(self, code: str, key: str | None) -> ClassInfo:
        info = await self.get(code)
        info.check(key)
        return info

    @abstractmethod
    async def _add(self, info: ClassInfo) -> tuple[int, str | None]:
        """Keeps a new class (and its state) unless its code is taken: (made (1, 0), the session's
        former class); (ON_SHOW, that class) when it is a student's run in that class's spotlight."""

    @abstractmethod
    async def get(self, code: str) -> ClassInfo:
        """The class (ClassNotFound if none); its use keeps it from expiring."""

    @abstractmethod
    async def change(self, code: str, forget_answers: bool = False, **state) -> ClassInfo:
        """Sets entries of the class's state (JSON values); with `forget_answers`, the
        answers given so far are forgotten (a new question, or none)."""

    @abstractmethod
    def code_of(self, session_id: str, tag: str | None) -> str | None:
        """The class a session teaches, as a change of it tells (the store's `tag` of it)."""

    @abstractmethod
    async def teaching(self, session_id: str) -> str | None:
        """The class a session teaches, asked afresh."""

    @abstractmethod
    async def end(self, code: str) -> ClassInfo:
        """Forgets the class; ClassNotFound if there is none."""

    @abstractmethod
    async def move(self, code: str, session_id: str) -> None:
        """The class follows another session of its teacher's from now on (new settings make a
        new session); the last broadcast, of the old one, is forgotten (ClassNotFound if none)."""

    @abstractmethod
    async def record(self, code: str, message: bytes) -> None:
        """Keeps the session's last broadcast (a step, a frame, a reset), if the class exists."""

    @abstractmethod
    async def last(self, code: str) -> bytes | None: ...

    @abstractmethod
    async def answer(self, code: str, student: str, value: float) -> str:
        """A student's answer to the open quiz: "ok", or "closed" (not `asking`).  When
        `max_size` answers are kept, one of a student who holds no seat any more makes room."""

    @abstractmethod
    async def answers(self, code: str) -> dict[str, float]: ...

    @abstractmethod
    async def note_question(self, code: str, entry: dict) -> None:
        """Adds a revealed question to the class's report (the latest CLASS_REPORT_QUESTIONS kept)."""

    @abstractmethod
    async def report(self, code: str) -> tuple[str, list[dict]]:
        """(the teacher key's hash, the report's questions) of a class, or of one that ended
        (ended by its teacher, replaced or made room for) at most `idle_seconds` ago; ClassNotFound."""

    @abstractmethod
    async def join(self, code: str, student: str, client: str, socket: str) -> bool:
        """Seats a student's socket (app/classroom/seats.py); False when the class is full.
        DeviceRemoved from an address the teacher dropped, ClassLocked for an id not on the roll
        of a locked class (app/classroom/door.py)."""

    @abstractmethod
    async def beat(self, code: str, student: str, socket: str) -> bool:
        """A connected student is still there; False when its seat is no longer this socket's."""

    @abstractmethod
    async def leave(self, code: str, student: str, socket: str) -> None: ...

    @abstractmethod
    async def joined(self, code: str) -> int:
        """Students connected to the class, on every replica."""

    async def close(self) -> None:  # noqa: B027 (nothing to let go of in memory)
        """Lets go of connections (the server's shutdown)."""


@dataclass
class _Kept:
    info: ClassInfo
    seats: Seats
    roll: Roll  # who belongs, and the addresses dropped (app/classroom/door.py)
    answers: dict[str, float] = field(default_factory=dict)
    last: bytes | None = None
    report: list[dict] = field(default_factory=list)
    runs: RunBook = field(default_factory=RunBook)  # the students' runs (app/classroom/runs.py)


class MemoryRegistry(MemoryRuns, MemoryDoor, Registry):
    def __init__(self, max_size: int, idle_seconds: float, max_classes: int) -> None:
        super().__init__(max_size, idle_seconds, max_classes)
        self._classes: OrderedDict[str, _Kept] = OrderedDict()  # least recently used first
        self.index: dict[str, str] = {}  # teaching session id -> its class's code
        self._ended: OrderedDict[str, tuple] = OrderedDict()  # code -> (ended, key hash, report)

    def code_of(self, session_id: str, tag: str | None) -> str | None:
        return self.index.get(session_id)

    async def teaching(self, session_id: str) -> str | None:
        return self.index.get(session_id)

    async def _add(self, info: ClassInfo) -> tuple[int, str | None]:
        self._expire()
        if info.code in self._classes:
            return False, None
        old = self.index.get(info.session)
        if old is not None and old in self._classes:
            if self._classes[old].info.state.get("spotlight") is not None:
                return ON_SHOW, old
            self._drop(old)
        else:
            old = None
        while len(self._classes) >= self.max_classes:
            self._drop(next(iter(self._classes)))
        self._classes[info.code] = _Kept(info, Seats(self.max_size), Roll(self.max_size))
        self.index[info.session] = info.code
        return True, old

    def _kept(self, code: str) -> _Kept:
        kept = self._classes.get(code)
        now = time.time()
        if kept is None or now - kept.info.used > self.idle_seconds:
            if kept is not None:
                self._drop(code)
            raise ClassNotFound(code)
        kept.info.used = now
        self._classes.move_to_end(code)
        return kept

    async def get(self, code: str) -> ClassInfo:
        return _copied(self._kept(code).info)

    async def change(self, code: str, forget_answers: bool = False, **state) -> ClassInfo:
        kept = self._kept(code)
        kept.info.state.update(state)
        if forget_answers:
            kept.answers.clear()
        return _copied(kept.info)

    async def end(self, code: str) -> ClassInfo:
        info = self._kept(code).info
        self._drop(code)
        return info

    async def move(self, code: str, session_id: str) -> None:
        kept = self._kept(code)
        if self.index.get(kept.info.session) == code:
            del self.index[kept.info.session]
        kept.info.session, kept.last = session_id, None
        kept.info.version += 1
        self.index[session_id] = code

    async def record(self, code: str, message: bytes) -> None:
        with contextlib.suppress(ClassNotFound):
            kept = self._kept(code)
            kept.last = message
            kept.info.version += 1

    async def last(self, code: str) -> bytes | None:
        return self._kept(code).last

    async def answer(self, code: str, student: str, value: float) -> str:
        kept = self._kept(code)
        if not kept.info.asking():
            return "closed"
        if student not in kept.answers and len(kept.answers) >= self.max_size:
            departed = next((s for s in kept.answers if s not in kept.seats), None)
            if departed is None:
                return "closed"
            del kept.answers[departed]
        kept.answers[student] = value
        return "ok"

    async def answers(self, code: str) -> dict[str, float]:
        return dict(self._kept(code).answers)

    async def note_question(self, code: str, entry: dict) -> None:
        report = self._kept(code).report
        report.append(entry)
        del report[: -limits.CLASS_REPORT_QUESTIONS]

    async def report(self, code: str) -> tuple[str, list[dict]]:
        kept = self._classes.get(code)
        if kept is not None and time.time() - kept.info.used <= self.idle_seconds:
            return kept.info.key_hash, list(kept.report)
        ended = self._ended.get(code)
        if ended is None or time.time() - ended[0] > self.idle_seconds:
            raise ClassNotFound(code)
        return ended[1], list(ended[2])

    async def join(self, code: str, student: str, client: str, socket: str) -> bool:
        kept = self._kept(code)
        kept.roll.admit(student, client, kept.info.state.get("locked") is True)
        now = time.monotonic()
        kept.seats.forget_stale(now - limits.CLASS_STUDENT_TTL_SECONDS)
        if not kept.seats.join(student, client, socket, now):
            return False
        kept.roll.seated(student, client, now)
        return True

    async def beat(self, code: str, student: str, socket: str) -> bool:
        kept = self._classes.get(code)
        return kept is not None and kept.seats.beat(student, socket, time.monotonic())

    async def leave(self, code: str, student: str, socket: str) -> None:
        kept = self._classes.get(code)
        if kept is not None:
            kept.seats.leave(student, socket)

    async def joined(self, code: str) -> int:
        kept = self._classes.get(code)
        if kept is None:
            return 0
        kept.seats.forget_stale(time.monotonic() - limits.CLASS_STUDENT_TTL_SECONDS)
        return len(kept.seats)

    def _drop(self, code: str) -> None:
        kept = self._classes.pop(code)
        if self.index.get(kept.info.session) == code:
            del self.index[kept.info.session]
        if kept.report:  # the report outlives the class by idle_seconds
            self._ended[code] = (time.time(), kept.info.key_hash, kept.report)
            self._ended.move_to_end(code)
        now = time.time()
        while self._ended and (
            len(self._ended) > self.max_classes
            or now - next(iter(self._ended.values()))[0] > self.idle_seconds
        ):
            self._ended.popitem(last=False)

    def _expire(self) -> None:
        now = time.time()
        while self._classes:
            code, kept = next(iter(self._classes.items()))
            if now - kept.info.used <= self.idle_seconds:
                break
            self._drop(code)


def _copied(info: ClassInfo) -> ClassInfo:
    """A copy for a caller: what it does to the copy does not change the class."""
    return replace(info, state=dict(info.state))
