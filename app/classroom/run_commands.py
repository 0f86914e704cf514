"""The class's own runs: the teacher releases the class's run, each student goes on with a copy
of their own, the teacher watches them all and shows one to the class.

    "release"   "gather"   {"type": "spotlight", "student": "S7"}   {"type": "spotlight", "student": null}

They join the one table of commands (app/classroom/commands.py).  `release` sends every student
an export of the teacher's run; a student's page imports it (a new session of its own) and
tells the class `{"type": "mine", "session": id}` over its socket (`report`): the registry
keeps it under an anonymous tag (app/classroom/runs.py), and the student is told the tag.
While released, the teacher's socket is sent `runs` (`Watch`): each run's step, loss,
divergence, step sizes and a sparkline of its recent losses.

`spotlight` makes the class follow one student's run, read-only, as `follow` does (and the
projector: the teacher's socket relays it, app/api/routes/class_teacher.py): the class moves to
that session (so its steps reach every student, whole: app/classroom/classroom.py),
the teacher's own session is kept in the state as `home`, and the state's public `spotlight`
is the run's tag.  Students get `spotlight {student}` and the run's `session` (never its id: only
its student, who has it, drives it).  `"student": null`, `gather` and `follow` end it: the class
goes back home (or, for `follow`, to the session it names), and students get `spotlight` null
and the `session` they follow.  While a student's run is on show it teaches the class: it
starts no class of its own (registry ON_SHOW), and a run that teaches a class cannot be shown.
A run whose session is gone is dropped from the list; if it was on show, the class goes home.
"""

from __future__ import annotations

import asyncio
import math
import re
import time

import numpy as np

from .. import limits
from ..sessions import InputError
from ..sessions.documents import export_document
from ..sessions.errors import SessionNotFound, Unavailable
from ..sessions.numbers import round_significant
from ..sessions.store import Store
from .commands import ANOTHER_RUN, Context, command, session_message
from .messages import message
from .registry import ClassInfo, Registry

TAG = re.compile(r"^S[1-9][0-9]{0,5}$")
REFUSED = {  # why the registry did not keep a run, as a student reads it
    "closed": "the teacher has not released the run: there is nothing of yours to show yet",
    "taken": "another student already showed this run: import the released run to have your own",
    "full": "the class keeps at most {} runs, and every one's student is here",
}


@command("release")
async def release(c: Context, got: dict) -> bytes:
    """Every student gets an export of the teacher's run (during a spotlight too: of `home`)."""
    async with c.store.session(c.info.state.get("home") or c.info.session, history=True) as session:
        out = message("release", document=export_document(session))
        alpha = {"alpha_A": session.config.alpha_A, "alpha_B": session.config.alpha_B}
    await c.registry.change(c.code, released=True, released_alpha=alpha)
    return out


@command("gather")
async def gather(c: Context, got: dict) -> list[bytes]:
    back = await back_home(c)
    await c.registry.change(c.code, released=False)
    return [*back, message("gather")]


@command("spotlight")
async def spotlight(c: Context, got: dict) -> list[bytes] | None:
    tag = got.get("student")
    if tag is None:
        return await back_home(c) or None
    if not isinstance(tag, str) or not TAG.match(tag):
        raise InputError("student", 'must be the tag of a run in the list, such as "S7", or null to end it')
    if not c.info.state.get("released"):
        raise InputError("spotlight", "release the run first: the students' own runs come after it")
    sid = next((sid for t, sid in (await c.registry.runs(c.code)).values() if t == tag), None)
    if sid is None:
        raise InputError("student", f"no run is tagged {tag}: its session may have expired")
    if await c.registry.teaching(sid) not in (None, c.code):
        raise InputError("student", f"the run {tag} teaches a class of its own: it cannot be shown here")
    try:
        async with c.store.session(sid) as session:
            shown = session_message(session)
    except SessionNotFound:
        raise InputError("student", f"the run {tag} is gone: its session expired or was deleted") from None
    home = c.info.state.get("home") or c.info.session
    # The state first: from the move on, the run is on show, and starts no class of its own.
    await c.registry.change(c.code, forget_answers=True, spotlight=tag, home=home, **ANOTHER_RUN)
    await c.registry.move(c.code, sid)
    return [message("spotlight", student=tag), shown]


async def back_home(c: Context) -> list[bytes]:
    """Ends a spotlight: the class follows the teacher's own session again; what students get
    ([] when no run is on show)."""
    home = c.info.state.get("home")
    if c.info.state.get("spotlight") is None or home is None:
        return []
    if await c.registry.teaching(home) not in (None, c.code):
        raise InputError("spotlight", "your own session teaches another class now: follow one of yours")
    try:
        async with c.store.session(home) as session:
            shown = session_message(session)
    except SessionNotFound:
        raise InputError(
            "spotlight", "your own session is gone: follow a new one (new settings make one)"
        ) from None
    await c.registry.move(c.code, home)
    await c.registry.change(c.code, forget_answers=True, spotlight=None, home=None, **ANOTHER_RUN)
    return [message("spotlight", student=None), shown]


async def report(registry: Registry, store: Store, code: str, student: str, sid: object) -> str:
    """A student's `mine`: their copy of the released run, kept under its tag (the tag, "S7");
    InputError naming `session` when it is not kept, and nothing changes."""
    if not isinstance(sid, str) or not 0 < len(sid) <= 64:
        raise InputError("session", "must be the id of your session: your copy of the released run")
    info = await registry.get(code)
    if not info.state.get("released"):
        raise InputError("session", REFUSED["closed"])
    if sid in (info.session, info.state.get("home")):
        raise InputError("session", "that is the class's own run, not a copy of yours")
    if await registry.teaching(sid) is not None:
        own = (await registry.runs(code)).get(student)
        if own is None or own[1] != sid:  # (a run on show teaches its class: its student may say it again)
            raise InputError("session", "that session teaches a class: show a copy of your own")
        return own[0]
    try:
        async with store.session(sid):
            pass
    except SessionNotFound:
        raise InputError("session", "no session with this id: import the released run first") from None
    status, tag = await registry.keep_run(code, student, sid)
    if status != "ok":
        raise InputError("session", REFUSED[status].format(registry.max_size))
    return tag


def curve(losses: list[float]) -> list[float]:
    """A run's sparkline: at most CLASS_RUN_CURVE_POINTS means of consecutive stretches of its
    recent per-step losses, oldest first, to four digits."""
    if not losses:
        return []
    parts = np.array_split(np.asarray(losses), min(len(losses), limits.CLASS_RUN_CURVE_POINTS))
    return round_significant(np.array([part.mean() for part in parts]), 4).tolist()


class Reads:
    """The class's runs as last read, one for each class with a teacher's socket in this process,
    shared by all its sockets (two tabs of the projector read no run twice as often)."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[float, str, dict]] = {}  # student id -> (when read, session id, summary)
        self.lock = asyncio.Lock()  # one socket reads at a time; the next finds its summaries fresh
        self.sockets = 0


class Watch:
    """What a teacher's socket is sent of the class's runs: `runs {runs: [{student, step, loss,
    diverged, alpha_A, alpha_B, alpha_changed, curve}], spotlight}` while released and runs
    exist (an empty list once, when the last goes).  Each run's session is read at most once
    per CLASS_RUN_READ_SECONDS for the class (`reads`, shared by its teacher's sockets in this
    process); in between, its last summary stands."""

    def __init__(self, registry: Registry, store: Store, code: str, publish, reads: Reads) -> None:
        self.registry, self.store, self.code, self.publish = registry, store, code, publish
        self.reads = reads
        self.listed = False

    async def message(self) -> bytes | None:
        async with self.reads.lock:
            return await self._message(self.reads.seen)

    async def _message(self, read: dict[str, tuple[float, str, dict]]) -> bytes | None:
        info = await self.registry.get(self.code)
        runs = await self.registry.runs(self.code) if info.state.get("released") else {}
        if not runs and not self.listed:
            read.clear()
            return None
        released, on_show = info.state.get("released_alpha") or {}, info.state.get("spotlight")
        out, now = [], time.monotonic()
        for student, (tag, sid) in runs.items():
            seen = read.get(student)
            if seen is None or now - seen[0] >= limits.CLASS_RUN_READ_SECONDS:
                try:
                    seen = read[student] = (now, sid, await self._summary(sid))
                except SessionNotFound:
                    if await self._gone(student, tag, sid, info):
                        on_show = None
                    continue
                except Unavailable:
                    if seen is None:
                        continue
            changed = any(seen[2][k] != released.get(k, seen[2][k]) for k in ("alpha_A", "alpha_B"))
            out.append({"student": tag, **seen[2], "alpha_changed": changed})
        for student in read.keys() - runs.keys():
            del read[student]
        self.listed = bool(out)
        return message("runs", runs=out, spotlight=on_show)

    async def _summary(self, sid: str) -> dict:
        async with self.store.session(sid) as session:
            loss = session.dataset_loss
            out = {
                "step": session.step,
                "loss": float(loss) if loss is not None and math.isfinite(loss) else None,
                "diverged": bool(session.diverged),
                "alpha_A": session.config.alpha_A,
                "alpha_B": session.config.alpha_B,
            }
        return out | {"curve": curve(await self.store.recent_losses(sid, limits.CLASS_RUN_CURVE_STEPS))}

    async def _gone(self, student: str, tag: str, sid: str, info: ClassInfo) -> bool:
        """A run whose session is gone leaves the list; the class goes home if it was on show
        (True: it was, and did)."""
        await self.registry.drop_run(self.code, student, sid)
        self.reads.seen.pop(student, None)
        if info.state.get("spotlight") != tag or info.session != sid:
            return False
        try:
            for out in await back_home(Context(self.registry, self.store, info)):
                await self.publish(self.code, out)
        except (InputError, SessionNotFound):
            return False  # the teacher's own session is gone too: their next `follow` ends the spotlight
        return True
