"""A lesson paced by the teacher: open one, then go from stop to stop, every student with you.

    {"type": "lesson", "name": "slides"}  or  {"type": "lesson", "lesson": {...}}
    {"type": "goto", "stop": i}

They join the one table of commands (app/classroom/commands.py).  `lesson` checks the document
as `POST /api/lessons/check` does (app/classroom/lessons/check.py) and keeps it with the class;
students get `lesson {title, count}`.  `goto` sends every student `stop {index, count, title,
note, phase, derive, line, hide}` and keeps it in the class's state, so that a student who joins
late or reconnects lands on the current stop (the snapshot's class carries it); a stop that
opens a derivation brings its numbers (`check`, the class run's gradient check of that weight).  What a stop
does to the run (the steps it takes on arrival, the phase it shows, its question) the teacher's
page does with the commands that already do it (a step of the class's session, `view`, `quiz`):
one way for each change of the class.
"""

from __future__ import annotations

import asyncio

import orjson

from ..sessions import InputError
from .commands import Context, command
from .lessons.builtin import BUILT_IN
from .lessons.check import check_lesson
from .messages import message

# What a student is told of a stop: what it shows, never the question it asks (that is `quiz`).
STOP_FIELDS = ("title", "note", "phase", "derive", "line", "hide")


@command("lesson")
async def lesson(c: Context, got: dict) -> bytes:
    name, doc = got.get("name"), got.get("lesson")
    if (name is None) == (doc is None):
        raise InputError("lesson", 'give either "name" (a built-in lesson) or "lesson" (a lesson document)')
    if name is not None:
        if not isinstance(name, str) or name not in BUILT_IN:
            known = ", ".join(BUILT_IN)
            raise InputError("name", f"no built-in lesson is named {str(name)[:40]!r}; there are {known}")
        checked = BUILT_IN[name]
    else:
        checked = await asyncio.to_thread(check_lesson, doc)  # a config is built to check it: off the loop
    await c.registry.change(c.code, lesson=checked, stop=None)
    return message("lesson", title=checked["title"], count=len(checked["stops"]))


@command("goto")
async def goto(c: Context, got: dict) -> bytes:
    doc = c.info.state.get("lesson")
    if doc is None:
        raise InputError("goto", "open a lesson first")
    stops, index = doc["stops"], got.get("stop")
    if type(index) is not int or not 0 <= index < len(stops):
        raise InputError("stop", f"must be a whole number from 0 to {len(stops) - 1}, not {str(index)[:20]}")
    stop = stops[index]
    shown = {"index": index, "count": len(stops)} | {k: stop[k] for k in STOP_FIELDS}
    if stop["derive"] is not None:  # students have no session to check a weight with: the stop brings it
        shown["check"] = await _check(c, stop["derive"])
    await c.registry.change(c.code, stop=shown)
    return message("stop", **shown)


async def _check(c: Context, weight: str) -> dict | None:
    """The derivation's numbers for `weight` at the class run's next step, as `GET
    /api/sessions/{id}/gradcheck?weight=` gives them; None for a network too large to check here
    (the page then shows the stop without its derivation)."""
    async with c.store.session(c.info.session) as session:
        try:
            if session.gradcheck_leaves_loop(weight):
                return None
            return orjson.loads(orjson.dumps(session.gradcheck(weight), option=orjson.OPT_SERIALIZE_NUMPY))
        except InputError:  # a weight the class's network no longer has (a lesson of another shape)
            return None
