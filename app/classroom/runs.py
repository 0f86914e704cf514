"""The class's own runs: what a registry keeps of the students' copies of a released run
(app/classroom/run_commands.py has the commands and what the teacher is sent of them).

After the teacher's `release` a student's page imports its copy (a session of its own) and
tells the class its id (`mine`).  The registry keeps, per student id, the run's tag and its
session id: at most the class's size, one per student (reporting again replaces the student's
own run and keeps its tag), and no session twice.  A tag ("S1", "S2", ...) is given in the
order of first report, per class, and never says who the student is; a run dropped (its
session gone, or room made for another) loses its tag, and its student gets a new one when
they report again.  When `max_size` runs are kept, the run of a student who holds no seat any
more makes room; if every one's student is seated, a new one is refused ("full").

Runs is what both registries add for this; MemoryRuns keeps them in this process (a RunBook
per class); RedisRuns (app/classroom/runs_redis.py) in Redis, so that every replica sees them
and they outlive a restart.  They go with the class (ended, expired).
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from ..sessions.errors import InputError

ON_SHOW = 2  # what a registry's _add answers for a student's run in a class's spotlight


def on_show() -> InputError:
    """Why a student's run on show in a class (its spotlight) starts no class of its own: that
    would end the class that shows it."""
    return InputError("session", "this run is on show in a class (a spotlight): start a class of it later")


def tag_number(tag: str) -> int:
    return int(tag[1:])


class Runs(ABC):
    @abstractmethod
    async def keep_run(self, code: str, student: str, session_id: str) -> tuple[str, str]:
        """Keeps the student's run (in place of their own before): ("ok", its tag), or
        ("closed", "") while the class is not released, ("taken", "") for a session another
        student reported, ("full", "") when no run makes room.  ClassNotFound."""

    @abstractmethod
    async def runs(self, code: str) -> dict[str, tuple[str, str]]:
        """The runs kept: student id -> (tag, session id), in the order of their tags."""

    @abstractmethod
    async def drop_run(self, code: str, student: str, session_id: str) -> None:
        """Forgets the student's run if it still is that session (its session is gone)."""


class RunBook:
    """A class's runs, in this process."""

    def __init__(self) -> None:
        self.of: dict[str, tuple[str, str]] = {}  # student id -> (tag, session id)
        self.by: dict[str, str] = {}  # session id -> student id
        self.given = 0  # tags given so far: the next is "S" + (given + 1)

    def keep(self, student: str, sid: str, size: int, seated) -> tuple[str, str]:
        owner = self.by.get(sid)
        if owner is not None and owner != student:
            return "taken", ""
        was = self.of.get(student)
        if was is not None:
            tag = was[0]
            del self.by[was[1]]
        else:
            if len(self.of) >= size:
                departed = next((s for s in self.of if not seated(s)), None)
                if departed is None:
                    return "full", ""
                self.drop(departed, self.of[departed][1])
            self.given += 1
            tag = f"S{self.given}"
        self.of[student] = (tag, sid)
        self.by[sid] = student
        return "ok", tag

    def drop(self, student: str, sid: str) -> None:
        if self.of.get(student, ("", None))[1] == sid:
            del self.of[student]
            del self.by[sid]


class MemoryRuns(Runs):
    """Runs for MemoryRegistry, whose classes (`_kept`) each hold `runs` (a RunBook) and `seats`."""

    async def keep_run(self, code: str, student: str, session_id: str) -> tuple[str, str]:
        kept = self._kept(code)
        if kept.info.state.get("released") is not True:
            return "closed", ""
        return kept.runs.keep(student, session_id, self.max_size, kept.seats.__contains__)

    async def runs(self, code: str) -> dict[str, tuple[str, str]]:
        return dict(sorted(self._kept(code).runs.of.items(), key=lambda run: tag_number(run[1][0])))

    async def drop_run(self, code: str, student: str, session_id: str) -> None:
        kept = self._classes.get(code)
        if kept is not None:
            kept.runs.drop(student, session_id)
