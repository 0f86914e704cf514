"""The teacher's socket of a class (app/api/routes/class_sockets.py has the protocol of both).

WS /api/classes/{code}/teacher: {"type": "hello", "key": k} first, then the commands of
app/classroom/commands.py; each answered {"type": "done", "of": its type} or "error"; the
roster CLASS_ROSTER_SECONDS apart; while released, the students' own runs ("runs") at most
CLASS_RUNS_SECONDS apart; and while a student's run is on show, what the class is sent of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import orjson
from fastapi import APIRouter, WebSocket

from ... import limits
from ...classroom import Classroom
from ...classroom.commands import session_message
from ...classroom.errors import ClassNotFound, WrongKey
from ...classroom.messages import kind_of, message
from ...classroom.registry import normal_code
from ...sessions import InputError
from ...sessions.errors import SessionNotFound, TooManyRequests, Unavailable
from ..play_messages import Budget
from .class_sockets import GONE, _close, _receive, first_of
from .classes import looking_up

router = APIRouter()
log = logging.getLogger(__name__)


@router.websocket("/api/classes/{code}/teacher")
async def teacher(websocket: WebSocket, code: str) -> None:
    classroom: Classroom = websocket.app.state.classroom
    code = normal_code(code)
    await websocket.accept()
    budget = Budget(limits.CLASS_TEACHER_MESSAGES_PER_SECOND, 2 * limits.CLASS_TEACHER_MESSAGES_PER_SECOND)
    max_bytes = websocket.app.state.settings.play_message_bytes
    try:
        async with asyncio.timeout(10):
            hello = await _receive(websocket, budget, max_bytes)
        if hello is None:
            return
        if isinstance(hello, str) or hello.get("type") != "hello":
            await _close(websocket, 1008, 'the first message must be {"type": "hello", "key": <teacher key>}')
            return
        async with looking_up(websocket):
            await classroom.registry.authorize(code, str(hello.get("key", "")))
    except TooManyRequests as e:
        await _close(websocket, 4429, e.message)
        return
    except TimeoutError:
        await _close(websocket, 1008, "no hello within 10 s")
        return
    except ClassNotFound:
        await _close(websocket, 4404, ClassNotFound.MESSAGE)
        return
    except WrongKey:
        await _close(websocket, 4403, WrongKey.MESSAGE)
        return
    driver = Driver(websocket, classroom, code, str(hello["key"]))
    # Once the key is known, a message may carry a lesson document (as `POST /api/lessons/check` takes it).
    longest = max(max_bytes, limits.MAX_LESSON_BYTES)
    await first_of(
        websocket, lambda: driver.listen(budget, longest), driver.roster, driver.runs, driver.relay
    )


class Driver:
    """The teacher's socket: commands in, the roster and the runs out."""

    def __init__(self, websocket: WebSocket, classroom: Classroom, code: str, key: str) -> None:
        self.websocket, self.classroom, self.code, self.key = websocket, classroom, code, key
        self.ended = False

    async def listen(self, budget: Budget, max_bytes: int) -> None:
        while not self.ended:
            got = await _receive(self.websocket, budget, max_bytes)
            if got is None:
                return
            if isinstance(got, str):
                await _close(self.websocket, 1008, got)
                return
            kind = got.get("type")
            try:
                await self.classroom.command(self.code, self.key, got)
            except InputError as e:
                await self._send(message("error", message=e.args[0], of=kind))
                continue
            except (ClassNotFound, WrongKey):
                await _close(self.websocket, 4404, ClassNotFound.MESSAGE)
                return
            except (Unavailable, SessionNotFound) as e:
                await self._send(message("error", message=getattr(e, "message", str(e)), of=kind))
                continue
            await self._send(message("done", of=kind))
            if kind == "end":
                self.ended = True
                await _close(self.websocket, 1000, "the class ended")

    async def roster(self) -> None:
        """The roster, when it changes, and every time while anyone is connected."""
        await self._every(limits.CLASS_ROSTER_SECONDS, lambda: self.classroom.roster(self.code), "a roster",
                          lambda data: b'"joined":0' not in data)  # fmt: skip

    async def runs(self) -> None:
        """The class's own runs, while released (app/classroom/run_commands.py), when they change."""
        with self.classroom.watch(self.code) as watch:
            await self._every(limits.CLASS_RUNS_SECONDS, watch.message, "the runs", lambda data: False)

    async def _every(self, seconds: float, make, what: str, again) -> None:
        """Sends what `make()` gives every `seconds` when it changed, or when `again(it)`, until the
        class is gone.  One that fails is skipped (Redis away: the last one stands), never the socket."""
        sent = None
        while True:
            try:
                data = await make()
            except ClassNotFound:
                return
            except Unavailable:
                data = sent
            except Exception:
                log.exception("class %s: %s failed", self.code, what)
                data = sent
            if data is not None and (data != sent or again(data)):
                await self._send(data)
                sent = data
            await asyncio.sleep(seconds)

    async def relay(self) -> None:
        """While a student's run is on show, the projector shows it too: the class's `spotlight`
        messages, and while one is on, the run's `session` and `frame`s as students get them
        (first, on connecting during one, its tag and its `session`)."""
        async with self.classroom.channel.subscribe(self.code, limits.CLASS_FOLLOW_BUFFER) as sub:
            try:
                info = await self.classroom.registry.get(self.code)
                on = info.state.get("spotlight") is not None
                if on:
                    await self._send(message("spotlight", student=info.state["spotlight"]))
                    async with self.classroom.store.session(info.session) as session:
                        shown = session_message(session)
                    await self._send(shown)
            except (ClassNotFound, SessionNotFound):
                return
            except Unavailable:
                on = False
            async for data in sub:
                kind = kind_of(data)
                if kind == "spotlight":
                    on = orjson.loads(data)["student"] is not None
                    await self._send(data)
                elif on and kind in ("session", "frame"):
                    await self._send(data)

    async def _send(self, data: bytes) -> None:
        with contextlib.suppress(*GONE):
            await self.websocket.send_text(data.decode())
