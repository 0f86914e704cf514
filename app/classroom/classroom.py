"""The classroom as the API uses it: start a class, run a teacher's command, bring a student
up to date, take an answer, make the roster; and, following the session store, send a
class's students every change of its teacher's session.

A failure to send a change (Redis away) loses that broadcast, never the teacher's own answer.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Iterator

import orjson

from ..sessions import InputError, Session
from ..sessions.errors import Unavailable
from ..sessions.store import Store
from . import door_commands, lesson_commands, report, run_commands, shown  # noqa: F401 (commands)
from .channel import Channel, ChannelUnavailable
from .commands import COMMANDS, SHOWN, Context, public
from .messages import CHANGES, kind_of, last_trace, loss_curve, message, session_part, state_of
from .pictures import Pictures
from .registry import ClassInfo, Registry

log = logging.getLogger(__name__)
_STEP, _FRAME = b'{"type":"step",', b'{"type":"frame",'
SNAPSHOTS_KEPT = 64  # classes whose students' snapshot is kept encoded here, the latest asked for


class Classroom:
    """The registry, the channel and the session store, as the routes use them."""

    def __init__(self, registry: Registry, channel: Channel, store: Store) -> None:
        self.registry = registry
        self.channel = channel
        self.store = store
        self._snapshots: dict[str, tuple[tuple, bytes]] = {}  # code -> (what it was made of, its bytes)
        self._reads: dict[str, run_commands.Reads] = {}  # code -> its runs as last read, while watched
        self.pictures = Pictures(registry, store)
        store.follow(self._session_changed)

    def _session_changed(
        self, session: Session, tell: str, answer, tag: str | None
    ) -> Awaitable[None] | None:
        """A change of a session that the store tells: to the students of the class it teaches
        (None, and nothing to await, for a session that teaches none)."""
        code = self.registry.code_of(session.id, tag)
        if code is None:
            return None
        # The message is made now, before anything else may change the session.
        return self._broadcast(code, *CHANGES[tell](session, answer))

    async def _broadcast(self, code: str, kept: bytes, sent: bytes) -> None:
        try:
            if kept.startswith(_STEP) and (await self.registry.get(code)).state.get("spotlight"):
                # A student's run on show: its steps are shown whole, as play frames are (no teacher
                # walks them phase by phase), to the class now and to whoever joins later.
                kept = sent = _FRAME + kept[len(_STEP) :]
            await self.registry.record(code, kept)  # the last, for snapshots and the quiz
            await self.channel.publish(code, sent)
        except (ChannelUnavailable, Unavailable) as error:
            log.warning("class %s: a broadcast was lost (%s)", code, error)

    async def start(self, session_id: str) -> tuple[ClassInfo, str]:
        """A new class of the session (SessionNotFound if there is none) and its teacher key;
        the class the session taught before is over."""
        async with self.store.session(session_id):
            pass
        info, key, old = await self.registry.create(session_id)
        if old is not None:
            await self.channel.publish(old, message("ended", reason="the teacher started a new class"))
        return info, key

    async def command(self, code: str, key: str | None, got: dict) -> str:
        """Runs a teacher's command (app/classroom/commands.py) and sends the class what it
        says; its type.  InputError, WrongKey, ClassNotFound as it goes."""
        kind = got.get("type")
        handler = COMMANDS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            raise InputError("type", f"must be one of {', '.join(COMMANDS)}")
        info = await self.registry.authorize(code, key)
        out = await handler(Context(self.registry, self.store, info), got)
        for data in [out] if isinstance(out, bytes) else out or []:
            await self.channel.publish(code, data)
        return kind

    async def snapshot(
        self, code: str, student: str, mine: float | None
    ) -> tuple[bytes, bytes, float | None]:
        """All a student who joins or reconnects needs, in two parts to be sent as one message
        (`shared + own`), and their answer to the open quiz.  The shared part, the bulk (a large
        session's data, its loss curve, the last trace), is encoded once per change of the
        session on show (ClassInfo.version) for all its students."""
        info = await self.registry.get(code)
        if mine is None and info.state.get("quiz") is not None:
            mine = (await self.registry.answers(code)).get(student)
        part, phase = await self._session_snapshot(info)
        seen = public(info)
        own = {
            "class": seen,
            "phase": shown.phase_name(phase),
            **{name: seen[name] for name in SHOWN if name != "view"},
            "student": student,
            "answer": mine,
        }
        return part, b"," + orjson.dumps(own)[1:], mine

    async def _session_snapshot(self, info: ClassInfo) -> tuple[bytes, int]:
        """The snapshot's first part, `{"type":"snapshot","config",…,"trace":…` without its end,
        and the phase on show: of the last step, what students have been shown of it."""
        last = await self.registry.last(info.code)
        kind = kind_of(last) if last is not None else None
        step = state_of(last)["step"] if kind in ("step", "frame") else None
        phase = shown.on_show(info.state.get("view"), kind, step, info.state.get("quiz"))
        made = (info.session, info.version, phase)
        kept = self._snapshots.get(info.code)
        if kept is not None and kept[0] == made:
            return kept[1], phase
        trace = last_trace(last)
        unseen = 1 if kind == "step" and phase < shown.LOSS else 0  # the step's loss, not shown yet
        async with self.store.session(info.session) as session:
            seen = shown.seen_session(session_part(session), trace, kind, phase)
            curve = loss_curve(session, unseen)
        trace = shown.entries(trace, None, phase) if trace is not None else None
        part = message("snapshot", **seen, losses=curve, trace=trace)[:-1]
        self._snapshots.pop(info.code, None)
        self._snapshots[info.code] = (made, part)
        while len(self._snapshots) > SNAPSHOTS_KEPT:
            self._snapshots.pop(next(iter(self._snapshots)))
        return part, phase

    async def values(self, code: str) -> bytes:
        """The values the class's students draw (app/classroom/pictures.py)."""
        return await self.pictures.values(code)

    async def answer(self, code: str, student: str, value: float) -> bool:
        """A student's answer to the open quiz; False when none is open."""
        return await self.registry.answer(code, student, value) == "ok"

    async def mine(self, code: str, student: str, session_id: object) -> str:
        """A student's own run, after a release (app/classroom/run_commands.py): its tag, or
        InputError naming `session`."""
        return await run_commands.report(self.registry, self.store, code, student, session_id)

    @contextlib.contextmanager
    def watch(self, code: str) -> Iterator[run_commands.Watch]:
        """What a teacher's socket sends of the class's runs, while it is open.  The sockets of
        one class share what was read of its runs (each run's session read at most once per
        CLASS_RUN_READ_SECONDS in this process, however many tabs); the last to close drops it."""
        reads = self._reads.setdefault(code, run_commands.Reads())
        reads.sockets += 1
        try:
            yield run_commands.Watch(self.registry, self.store, code, self.channel.publish, reads)
        finally:
            reads.sockets -= 1
            if not reads.sockets and self._reads.get(code) is reads:
                del self._reads[code]

    async def roster(self, code: str) -> bytes:
        """The teacher's roster: how many joined and answered, the answers' histogram, and the
        class's door (locked, the seats by address: app/classroom/door_commands.py)."""
        info = await self.registry.get(code)
        door = await door_commands.roster(self.registry, info)
        return orjson.dumps(await report.roster(self.registry, info) | door)
