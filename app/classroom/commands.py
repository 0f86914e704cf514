"""The teacher's commands: one table of small handlers.

    {"type": "view", "phase": p}   {"type": "quiz", "target": t, "index": [...]}   "revote"   "reveal"
    "pause"   "resume"   {"type": "follow", "session": id}   "end"
    and the door's "lock", "unlock", {"type": "drop", "address": tag}, "unblock", registered
    in this table from app/classroom/door_commands.py; a lesson's {"type": "lesson", ...} and
    {"type": "goto", "stop": i} from app/classroom/lesson_commands.py; the class's own runs'
    "release", "gather" and {"type": "spotlight", "student": "S7" | null} from
    app/classroom/run_commands.py.  `follow` during a spotlight ends it (the class follows the
    session it names from then on).

A handler gets the class as the command found it (its teacher key already checked) and the
command's message; it checks what it needs (InputError naming the field), changes the
class's state through the registry, and returns the message every student gets (None:
none; a list: each, in order).  What a student who joins or reconnects must see of the class
is SHOWN: a command that changes such a thing names its state entry there, with its value
before any command, and the snapshot carries it.  A new command is a handler here, the
student page's answer to its message and the teacher's button.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import orjson

from ..sessions import InputError, Session
from ..sessions.store import Store
from . import quiz as q
from . import report, shown
from .messages import kind_of, last_trace, message, session_part, state_of
from .mistakes import mistakes
from .registry import ClassInfo, Registry

# What students see of the class (ClassInfo.state), in the snapshot and its "class", by name,
# with its value before any command: the phase on show, paused, released, the open quiz, a lesson's stop,
# the tag of the student's run in the spotlight (app/classroom/run_commands.py).
SHOWN = {"view": None, "paused": False, "released": False, "quiz": None, "stop": None, "spotlight": None}
# What closes when the class follows another run: the phase on show, the question and its answers.
ANOTHER_RUN = {"view": None, "quiz": None, "truth": None, "value": None, "rounds": [], "question": None}


@dataclass
class Context:
    registry: Registry
    store: Store
    info: ClassInfo

    @property
    def code(self) -> str:
        return self.info.code


Handler = Callable[[Context, dict], Awaitable[bytes | list[bytes] | None]]
COMMANDS: dict[str, Handler] = {}


def command(kind: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        COMMANDS[kind] = handler
        return handler

    return register


def session_message(session: Session) -> bytes:
    """The `session` message of a run the class follows from now on (its config, state and
    preview, never its id), with no question open."""
    return message("session", **session_part(session), quiz=None)


def public(info: ClassInfo) -> dict:
    """What students may know of the class: its code and what SHOWN names (never its
    session, which drives it, nor its key)."""
    return {"code": info.code} | {name: info.state.get(name, first) for name, first in SHOWN.items()}


@command("view")
async def view(c: Context, got: dict) -> bytes:
    """The phase on show: students get the entries of the last step that it shows and they
    have not been sent (app/classroom/shown.py); never past what an open question allows."""
    name = got.get("phase")
    if name not in shown.PHASES:
        raise InputError("phase", f"must be one of {', '.join(shown.PHASES)}")
    phase, quiz = shown.PHASES.index(name), c.info.state.get("quiz")
    if phase > shown.cap(quiz):
        raise InputError("phase", f"the class's question on {quiz['target']} is open: reveal it first")
    last = await c.registry.last(c.code)
    if last is None or kind_of(last) not in ("step", "frame"):  # no step since the class began
        await c.registry.change(c.code, view={"phase": name, "step": None})
        return message("view", phase=name)
    body = orjson.loads(last)
    step = body["state"]["step"]
    before = shown.on_show(c.info.state.get("view"), kind_of(last), step, quiz)
    await c.registry.change(c.code, view={"phase": name, "step": step})
    extra = {"losses": body["losses"]} if before < shown.LOSS <= phase and "losses" in body else {}
    return message("view", phase=name, trace=shown.entries(body["trace"], before, phase), **extra)


@command("quiz")
async def quiz(c: Context, got: dict) -> bytes:
    """A question on an entry of the last step the class saw; its true value is kept (hidden)
    for the reveal, and the phase on show goes back to the one before the phase that shows it."""
    async with c.store.session(c.info.session) as session:
        asked = q.quiz_of(session, got.get("target"), got.get("index"))
        net, optimizer = session.net, session.config.optimizer
    last = await c.registry.last(c.code)
    if last is None or kind_of(last) not in ("step", "frame"):
        raise InputError("quiz", "take a step with the class first: a question is about a step it has seen")
    trace = last_trace(last)
    value = q.true_value(trace, asked)
    limit = shown.cap(q.shown(asked, None))
    step = state_of(last)["step"]
    phase = min(shown.on_show(c.info.state.get("view"), kind_of(last), step, None), limit)
    view = {"phase": shown.phase_name(phase), "step": step}
    n = (c.info.state.get("asked") or 0) + 1
    stop = c.info.state.get("stop")
    found = mistakes(trace, net, optimizer, asked["target"], asked["index"])
    await c.registry.change(
        c.code,
        forget_answers=True,
        quiz=q.shown(asked, None) | {"round": 1},
        truth=None,
        value=value,
        view=view,
        rounds=[],
        asked=n,  # the report's number for it, and what it keeps of it (app/classroom/report.py)
        question={"n": n, "step": step, "stop": stop and stop["index"], "mistakes": found},
    )
    return message("quiz", **asked, phase=shown.phase_name(phase), round=1)


@command("revote")
async def revote(c: Context, got: dict) -> bytes:
    """Vote, discuss, vote again: round 1 closes (its answers kept as numbers, no student named,
    for the teacher's histograms) and round 2 opens; every student answers afresh."""
    asked = c.info.state.get("quiz")
    if asked is None or asked.get("revealed"):
        raise InputError("revote", "no question is open")
    number = asked.get("round", 1)
    if number >= q.ROUNDS:
        raise InputError("revote", f"a question has at most {q.ROUNDS} rounds: reveal it")
    closed = [*(c.info.state.get("rounds") or []), sorted((await c.registry.answers(c.code)).values())]
    await c.registry.change(c.code, forget_answers=True, quiz=asked | {"round": number + 1}, rounds=closed)
    return message("revote", round=number + 1)


@command("reveal")
async def reveal(c: Context, got: dict) -> bytes:
    asked = c.info.state.get("quiz")
    if asked is None:
        raise InputError("reveal", "no quiz is open")
    asked = {"target": asked["target"], "index": asked["index"]}
    truth = c.info.state.get("value")
    if truth is None:
        truth = q.true_value(last_trace(await c.registry.last(c.code)), asked)
    number = c.info.state["quiz"].get("round", 1)
    info = await c.registry.change(c.code, quiz=q.shown(asked, truth) | {"round": number}, truth=truth)
    found = (info.state.get("question") or {}).get("mistakes", [])
    if c.info.state.get("truth") is None:  # revealed now (not again): the report keeps it
        answers = list((await c.registry.answers(c.code)).values())
        await c.registry.note_question(c.code, report.entry(info.state, answers))
    return message("reveal", **asked, value=truth, round=number, mistakes=found)


@command("pause")
async def pause(c: Context, got: dict) -> bytes:
    await c.registry.change(c.code, paused=True)
    return message("pause")


@command("resume")
async def resume(c: Context, got: dict) -> bytes:
    await c.registry.change(c.code, paused=False)
    return message("resume")


@command("follow")
async def follow(c: Context, got: dict) -> list[bytes]:
    """The class follows another session of the teacher's (new settings make one); the
    view and the quiz close, and so does a spotlight on a student's run (students get
    `spotlight` null first): the class follows the teacher's new session from then on."""
    sid = got.get("session")
    if not isinstance(sid, str) or not 0 < len(sid) <= 64:
        raise InputError("session", "must be the id of a session")
    if await c.registry.teaching(sid) not in (None, c.code):
        raise InputError("session", "that session teaches another class")
    async with c.store.session(sid) as session:
        out = session_message(session)
    await c.registry.move(c.code, sid)
    await c.registry.change(c.code, forget_answers=True, spotlight=None, home=None, **ANOTHER_RUN)
    ended = [message("spotlight", student=None)] if c.info.state.get("spotlight") is not None else []
    return [*ended, out]


@command("end")
async def end(c: Context, got: dict) -> bytes:
    await c.registry.end(c.code)
    return message("ended", reason="the teacher ended the class")
