"""The teacher's commands: one table of small handlers.

    {"type": "view", "phase": p}   {"type": "quiz", "target": t, "index": [...]}   "reveal"
    "pause"   "resume"   "release"   "gather"   {"type": "follow", "session": id}   "end"

A handler gets the class as the command found it (its teacher key already checked) and the
command's message; it checks what it needs (InputError naming the field), changes the
class's state through the registry, and returns the message every student gets (None:
none).  What a student who joins or reconnects must see of the class is SHOWN: a command
that changes such a thing names its state entry there, with its value before any command,
and the snapshot carries it.  A new command is a handler here, the student page's answer
to its message and the teacher's button.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from app import limits
from app.classroom import quiz as q
from app.classroom.messages import last_trace, message, session_part
from app.classroom.registry import ClassInfo, Registry
from app.sessions import InputError
from app.sessions.documents import export_document
from app.sessions.store import Store

# What students see of the class (ClassInfo.state), in the snapshot and its "class", by name,
# with its value before any command: the phase on show, paused, released, the open quiz.
SHOWN = {"view": None, "paused": False, "released": False, "quiz": None}


@dataclass
class Context:
    registry: Registry
    store: Store
    info: ClassInfo

    @property
    def code(self) -> str:
        return self.info.code


Handler = Callable[[Context, dict], Awaitable[bytes | None]]
COMMANDS: dict[str, Handler] = {}


def command(kind: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        COMMANDS[kind] = handler
        return handler

    return register


def public(info: ClassInfo) -> dict:
    """What students may know of the class: its code and what SHOWN names (never its
    session, which drives it, nor its key)."""
    return {"code": info.code} | {name: info.state.get(name, first) for name, first in SHOWN.items()}


@command("view")
async def view(c: Context, got: dict) -> bytes:
    phase = got.get("phase")
    if not isinstance(phase, str) or not 0 < len(phase) <= limits.MAX_NAME:
        raise InputError("phase", f"must be the name of a phase, at most {limits.MAX_NAME} characters")
    await c.registry.change(c.code, view=phase)
    return message("view", phase=phase)


@command("quiz")
async def quiz(c: Context, got: dict) -> bytes:
    async with c.store.session(c.info.session) as session:
        asked = q.quiz_of(session, got.get("target"), got.get("index"))
    await c.registry.change(c.code, forget_answers=True, quiz=q.shown(asked, None), truth=None)
    return message("quiz", **asked)


@command("reveal")
async def reveal(c: Context, got: dict) -> bytes:
    shown = c.info.state.get("quiz")
    if shown is None:
        raise InputError("reveal", "no quiz is open")
    asked = {"target": shown["target"], "index": shown["index"]}
    truth = q.true_value(last_trace(await c.registry.last(c.code)), asked)
    await c.registry.change(c.code, quiz=q.shown(asked, truth), truth=truth)
    return message("reveal", **asked, value=truth)


@command("pause")
async def pause(c: Context, got: dict) -> bytes:
    await c.registry.change(c.code, paused=True)
    return message("pause")


@command("resume")
async def resume(c: Context, got: dict) -> bytes:
    await c.registry.change(c.code, paused=False)
    return message("resume")


@command("release")
async def release(c: Context, got: dict) -> bytes:
    async with c.store.session(c.info.session, history=True) as session:
        out = message("release", document=export_document(session))
    await c.registry.change(c.code, released=True)
    return out


@command("gather")
async def gather(c: Context, got: dict) -> bytes:
    await c.registry.change(c.code, released=False)
    return message("gather")


@command("follow")
async def follow(c: Context, got: dict) -> bytes:
    """The class follows another session of the teacher's (new settings make one); the
    view and the quiz close."""
    sid = got.get("session")
    if not isinstance(sid, str) or not 0 < len(sid) <= 64:
        raise InputError("session", "must be the id of a session")
    if await c.registry.teaching(sid) not in (None, c.code):
        raise InputError("session", "that session teaches another class")
    async with c.store.session(sid) as session:
        out = message("session", **session_part(session), quiz=None)
    await c.registry.move(c.code, sid)
    await c.registry.change(c.code, forget_answers=True, view=None, quiz=None, truth=None)
    return out


@command("end")
async def end(c: Context, got: dict) -> bytes:
    await c.registry.end(c.code)
    return message("ended", reason="the teacher ended the class")
