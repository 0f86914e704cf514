"""A class's two sockets: the students follow, the teacher drives.

    WS /api/classes/{code}/student[?student=<id the page keeps>]
        server: "snapshot" first ("synced" once it is taken), then every broadcast of the
        class as it was published ("step", "frame", "session", "view", "pause", "resume",
        "quiz", "reveal" followed by this student's own "result" (the likely mistake their
        answer is, if any, named for them alone), "release", "gather",
        "ended", and with the class's own runs "spotlight"), "answered", "mine" and "error".
        student: {"type": "answer", "value": x} (a finite number; the last one counts), and after a
        "release" {"type": "mine", "session": id}, the id of the copy this page imported
        (app/classroom/run_commands.py), answered {"type": "mine", "student": "S7"}, its tag, or
        "error" {message, of: "mine"} naming the field.
    WS /api/classes/{code}/teacher (app/api/routes/class_teacher.py)
        teacher: first {"type": "hello", "key": k}, then {"type": "view", "phase": p},
        {"type": "quiz", "target": t, "index": [...]}, "reveal", "pause", "resume",
        "release", "gather", {"type": "spotlight", "student": "S7" | null}, {"type": "follow",
        "session": id} (the class follows another of the teacher's sessions, as new settings make
        one), "end", and the door's "lock", "unlock", {"type": "drop", "address": tag}, "unblock"
        (app/classroom/door_commands.py); each is answered {"type": "done", "of": its type} or
        "error" {message, of: its type}.
        server: "roster" {joined, answered, histogram, locked, addresses, others, blocked}
        CLASS_ROSTER_SECONDS apart; while released, "runs" {runs, spotlight} at most
        CLASS_RUNS_SECONDS apart (app/classroom/run_commands.py Watch).
Close codes: 4404 no such class (or its session is gone), 4403 a wrong key, 4409 the seat was
taken (the same student id connected again, or room was made for another address's students),
4429 too many codes that are no class's from one address, 4423 the class is locked and this student id
is not on its roll, 4410 the teacher dropped this address, 1008 a message out of bounds or a teacher's
message from a student, 1013 the class is full (or the server is sending many snapshots just now),
1000 ended; a page that leaves what it is sent unread for SOCKET_SEND_SECONDS is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import re
import secrets

import anyio
import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from ... import limits
from ...classroom import Classroom
from ...classroom.channel import ChannelUnavailable
from ...classroom.commands import COMMANDS
from ...classroom.errors import ClassLocked, ClassNotFound, DeviceRemoved
from ...classroom.messages import kind_of, message
from ...classroom.mistakes import mistake_of
from ...classroom.quiz import closeness
from ...classroom.registry import new_key, normal_code
from ...sessions.errors import InputError, SessionNotFound, TooManyRequests, Unavailable
from ..clients import client_of
from ..json import loads
from ..play_messages import Budget
from .classes import looking_up

router = APIRouter()
TAKEN = "this seat was taken: the same student's page was opened again, or room was made for others"
_seated: dict[tuple[str, str], Follower] = {}  # (code, student id) -> the socket that holds its seat here
log = logging.getLogger(__name__)
STUDENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
GONE = (WebSocketDisconnect, RuntimeError, OSError)
SYNCED = message("synced").decode()
BUSY = "the server is sending the class to many students just now; reconnect in a moment"
SEND_ONLY = (
    'send only {"type": "answer", "value": <a number>} or {"type": "mine", "session": <your copy\'s id>}'
)
SHUT = {ClassLocked: 4423, DeviceRemoved: 4410}  # refused at the door: the page does not try again
_decoded: list = [None, ""]  # the last broadcast and its text: decoded once for all students here


def _text(data: bytes) -> str:
    if _decoded[0] is not data:
        _decoded[0], _decoded[1] = data, data.decode()
    return _decoded[1]


async def first_of(websocket: WebSocket, *jobs) -> None:
    """Runs a socket's jobs until the first one returns, then cancels the others.  A job that
    fails ends the socket loudly: logged, and closed with 1011 and a reason."""
    async with anyio.create_task_group() as group:

        async def run(job) -> None:
            try:
                await job()
            except Exception:  # a bug: never a socket that goes quiet or drops without a word
                log.exception("a class socket's %s failed", getattr(job, "__name__", "job"))
                await _close(websocket, 1011, "the server failed; reconnect to go on")
            group.cancel_scope.cancel()

        for job in jobs:
            group.start_soon(run, job)


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(*GONE):
        await websocket.close(code, reason)


async def _receive(websocket: WebSocket, budget: Budget, max_bytes: int) -> dict | str | None:
    """The next message as a dict; a str is why the socket must close (1008); None: it went away."""
    try:
        got = await websocket.receive()
    except GONE:
        return None
    if got["type"] == "websocket.disconnect":
        return None
    text = got.get("text")
    if text is None or len(text.encode()) > max_bytes:
        return f"messages are JSON text of at most {max_bytes} bytes"
    if not budget.take():
        return f"more than {budget.rate:g} messages a second"
    try:
        parsed = loads(text)
    except (json.JSONDecodeError, ValueError):
        parsed = None
    return parsed if isinstance(parsed, dict) else {"type": None}


# ---------------------------------------------------------------- students


@router.websocket("/api/classes/{code}/student")
async def student(websocket: WebSocket, code: str) -> None:
    classroom: Classroom = websocket.app.state.classroom
    registry, code = classroom.registry, normal_code(code)
    await websocket.accept()
    asked = websocket.query_params.get("student", "")
    me = asked if STUDENT_ID.match(asked) else new_key()[:16]
    seat = secrets.token_hex(8)  # this socket's: one id, one socket
    client = client_of(websocket, websocket.app.state.proxies)
    try:
        async with looking_up(websocket):
            joined = await registry.join(code, me, client, seat)
        if not joined:
            await _close(websocket, 1013, f"this class is full ({registry.max_size} students)")
            return
    except ClassNotFound:
        await _close(websocket, 4404, ClassNotFound.MESSAGE)
        return
    except TooManyRequests as e:
        await _close(websocket, 4429, e.message)
        return
    except (ClassLocked, DeviceRemoved) as e:
        await _close(websocket, SHUT[type(e)], e.MESSAGE)
        return
    except Unavailable as e:
        await _close(websocket, 1013, e.message)
        return
    replaced = _seated.pop((code, me), None)
    if replaced is not None:  # the same id's socket in this process goes at once (elsewhere: at its beat)
        await _close(replaced.websocket, 4409, TAKEN)
    try:
        async with classroom.channel.subscribe(code, limits.CLASS_FOLLOW_BUFFER) as sub:
            follower = _seated[code, me] = Follower(websocket, classroom, code, me, sub, seat, client)
            await follower.run()
    except ChannelUnavailable as e:
        await _close(websocket, 1013, str(e))
    finally:
        if _seated.get((code, me)) is not None and _seated[code, me].seat == seat:
            del _seated[code, me]
        with contextlib.suppress(Unavailable):
            await registry.leave(code, me, seat)


class Follower:
    """One student's socket: the broadcasts out, the answers in, the heartbeat."""

    def __init__(
        self, websocket: WebSocket, classroom: Classroom, code: str, me: str, sub, seat: str, client: str
    ) -> None:
        self.websocket, self.classroom, self.code, self.me, self.sub = websocket, classroom, code, me, sub
        self.seat, self.client = seat, client  # this socket's token, and its address
        self.mine: float | None = None  # this student's answer to the open quiz
        self.dropped = 0

    async def run(self) -> None:
        if not await self._snapshot():
            return
        await first_of(self.websocket, self._relay, self._listen, self._beat)

    async def _snapshot(self) -> bool:
        try:
            shared, own, self.mine = await self.classroom.snapshot(self.code, self.me, self.mine)
        except (ClassNotFound, SessionNotFound):
            await _close(self.websocket, 4404, "the class ended, or its session expired")
            return False
        except Unavailable as e:
            await _close(self.websocket, 1013, e.message)
            return False
        try:  # counted until taken: the "synced" after it is written once the snapshot has gone
            async with self.websocket.app.state.snapshots.holding(len(shared)):
                return await self._send((shared + own).decode()) and await self._send(SYNCED)
        except TimeoutError:
            await _close(self.websocket, 1013, BUSY)
            return False

    async def _send(self, text: str) -> bool:
        try:
            await self.websocket.send_text(text)
        except GONE:
            return False
        return True

    async def _relay(self) -> None:
        loop = asyncio.get_running_loop()
        synced = loop.time()
        async for data in self.sub:
            if self.sub.dropped != self.dropped and loop.time() - synced >= 1.0:
                # Behind: broadcasts were skipped, perhaps a pause or a quiz among them.
                self.dropped, synced = self.sub.dropped, loop.time()
                if not await self._snapshot():
                    return
            kind = kind_of(data)
            if kind == "drop":  # the teacher dropped an address: for the sockets of that address only
                if orjson.loads(data)["client"] == self.client:
                    await _close(self.websocket, 4410, DeviceRemoved.MESSAGE)
                    return
                continue
            if not await self._send(_text(data)):
                return
            if kind == "quiz":
                self.mine = None
            elif kind == "reveal":
                revealed = orjson.loads(data)
                result = closeness(self.mine, revealed["value"])
                result["mistake"] = mistake_of(self.mine, revealed["value"], revealed.get("mistakes", []))
                if not await self._send(message("result", **result).decode()):
                    return
            elif kind == "ended":
                await _close(self.websocket, 1000, "the class ended")
                return

    async def _listen(self) -> None:
        budget = Budget(limits.CLASS_ANSWERS_PER_SECOND, 2 * limits.CLASS_ANSWERS_PER_SECOND)
        while True:
            got = await _receive(self.websocket, budget, limits.CLASS_ANSWER_BYTES)
            if got is None:
                return
            if isinstance(got, str):
                await _close(self.websocket, 1008, got)
                return
            if got.get("type") in COMMANDS or got.get("type") == "hello":
                await _close(self.websocket, 1008, "only the teacher drives the class")
                return
            value = got.get("value")
            if got.get("type") == "mine" and set(got) == {"type", "session"}:
                await self._mine(got["session"])
            elif got.get("type") != "answer" or set(got) != {"type", "value"}:
                await self._error(SEND_ONLY)
            elif type(value) not in (int, float) or not math.isfinite(value) or abs(value) > 1e300:
                await self._error("value: the answer must be a finite number")
            else:
                await self._answer(float(value))

    async def _answer(self, value: float) -> None:
        try:
            taken = await self.classroom.answer(self.code, self.me, value)
        except Unavailable as e:  # Redis away: this answer is not kept, the socket goes on
            await self._error(f"answer: not kept; {e.message}")
            return
        except ClassNotFound:
            await _close(self.websocket, 4404, ClassNotFound.MESSAGE)
            return
        if taken:
            self.mine = value
            await self._send(message("answered", value=value).decode())
        else:
            await self._error("answer: no quiz is open just now")

    async def _mine(self, session: object) -> None:
        """The student's own copy of the released run (app/classroom/run_commands.py): its tag."""
        try:
            tag = await self.classroom.mine(self.code, self.me, session)
        except InputError as e:
            await self._error(str(e), of="mine")
        except Unavailable as e:
            await self._error(f"session: not kept; {e.message}", of="mine")
        except ClassNotFound:
            await _close(self.websocket, 4404, ClassNotFound.MESSAGE)
        else:
            await self._send(message("mine", student=tag).decode())

    async def _error(self, text: str, **of) -> None:
        await self._send(message("error", message=text, **of).decode())

    async def _beat(self) -> None:
        """Counts this socket again, until its seat is another's (the same id's page opened
        elsewhere, or room made for another address): then it closes, 4409; or 4410 when the
        teacher dropped its address (and the channel's word of it did not come)."""
        registry = self.classroom.registry
        while True:
            await asyncio.sleep(limits.CLASS_HEARTBEAT_SECONDS)
            try:
                if not await registry.beat(self.code, self.me, self.seat):
                    if await registry.blocked(self.code, self.client):
                        await _close(self.websocket, 4410, DeviceRemoved.MESSAGE)
                    else:
                        await _close(self.websocket, 4409, TAKEN)
                    return
            except Unavailable:
                continue
