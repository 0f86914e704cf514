"""Play mode: the page opens a WebSocket, and the server steps on its own clock.

    WS /api/sessions/{id}/play

The page sends JSON text with any of {"rate": frames per second, 1..60,
"steps_per_frame": 1..1000, "paused": true | false}, merged into the settings it
sent before (at first: rate 30, steps_per_frame 1, not paused).  The server
answers with
    {"type": "frame", "state": {...}, "trace": {...}, "losses": [...]}   at the rate,
    {"type": "error", "message": "<field>: <what is wrong and the limit>", "field", "largest"?}
        for a bad message (nothing of it applied), or for steps a frame past what the session
        may now take (the stream pauses itself: "largest" is what it may take),
    {"type": "diverged", "message", "advice", "state"}   and pauses itself.
Close codes: 4404 no such session, 1013 too many players, 1008 a message too
large or too many messages, 1011 a failure on the server.

The clock skips the ticks it misses (a slow frame is followed by the next tick
on the schedule, never by a burst of catch-up frames), and a settings message
takes effect at once: it wakes the ticker, which then looks at the new settings
and sends on the next tick of the new rate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math

import orjson
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from ...limits import MAX_STEPS_PER_FRAME
from ...sessions import Diverged, InputError, Session, SessionNotFound, run
from ...sessions.errors import TooManyRequests, Unavailable
from ...sessions.store import Store
from ...sessions.workers import Workers
from ...settings import Settings
from ..clients import client_of
from ..frames import play_frame
from ..play_messages import Budget, error_message, parse_settings, whole_error
from ..schemas import PlaySettingsIn

router = APIRouter()
log = logging.getLogger(__name__)

TICKER_NAME = "play-ticker"


@router.websocket("/api/sessions/{session_id}/play")
async def play(websocket: WebSocket, session_id: str) -> None:
    store: Store = websocket.app.state.store
    settings: Settings = websocket.app.state.settings
    await websocket.accept()
    try:
        async with store.session(session_id) as session:
            pass
    except SessionNotFound:
        await websocket.close(4404, SessionNotFound.MESSAGE)
        return
    except Unavailable as e:
        await websocket.close(1013, e.message)
        return
    client = client_of(websocket, websocket.app.state.proxies)
    per_client = max(1, int(settings.play_total * settings.play_client_share))
    plays = store.plays
    if not plays.join(session_id, client, settings.play_per_session, per_client, settings.play_total):
        await websocket.close(1013, "too many pages are playing right now; try again later")
        return
    try:
        player = Player(websocket, store, session, settings, websocket.app.state.workers, client)
    except InputError:
        plays.leave(session_id, client)
        await websocket.close(1013, "the server is playing as fast as it can for everyone; try again later")
        return
    ticker = asyncio.create_task(player.tick(), name=TICKER_NAME)
    try:
        await player.listen()
    finally:
        player.stop()
        plays.leave(session_id, client)
        await _finish(ticker)


async def _finish(ticker: asyncio.Task) -> None:
    """Lets a stopped ticker end the frame it may be in, then makes sure it is gone.

    Mid-frame it holds the session's lock, perhaps around a step in a worker
    thread, so it is given time to finish; it is cancelled only when that takes
    too long (a send that hangs on a connection nobody reads) or when this
    handler is itself cancelled, as at shutdown.
    """
    try:
        await asyncio.wait_for(asyncio.shield(ticker), timeout=5.0)
    except TimeoutError:
        ticker.cancel()
    except asyncio.CancelledError:
        ticker.cancel()
        raise


class Player:
    """One WebSocket's play settings, its listener and its ticker."""

    def __init__(
        self,
        websocket: WebSocket,
        store: Store,
        session: Session,
        settings: Settings,
        workers: Workers,
        client: str = "",
    ) -> None:
        self.websocket = websocket
        self.store = store
        self.session_id = session.id
        self.client = client  # the address playing: its share of the workers (app/sessions/workers.py)
        self.session = session
        self.workers = workers
        self.limits = settings
        first = PlaySettingsIn()
        self.rate = first.rate
        self.steps_per_frame = first.steps_per_frame
        self.paused = first.paused
        self.load = 0.0  # the estimated seconds of work a second this stream asks for
        self._ask_load(self._load_of(self.rate, self.steps_per_frame, self.paused))
        self.stopped = False
        self._changed = True  # the ticker must (re)compute when the next frame is due
        self._wake: asyncio.Future | None = None
        self._budget = Budget(settings.play_messages_per_second, 2 * settings.play_messages_per_second)

    # ------------------------------------------------------------ messages in

    async def listen(self) -> None:
        """Reads settings messages until the page goes away or breaks the rules."""
        while not self.stopped:
            try:
                message = await self.websocket.receive()
            except (WebSocketDisconnect, RuntimeError):
                return
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            size = len(text.encode()) if text is not None else len(message.get("bytes") or b"")
            if size > self.limits.play_message_bytes:
                await self._close(1008, f"messages are limited to {self.limits.play_message_bytes} bytes")
                return
            if not self._budget.take():
                limit = self.limits.play_messages_per_second
                await self._close(1008, f"more than {limit:g} messages a second")
                return
            try:
                changes = self._budgeted(parse_settings(text, MAX_STEPS_PER_FRAME))
            except InputError as e:
                await self._send(error_message(e))
                continue
            for name, value in changes.items():
                setattr(self, name, value)
            self._changed = True
            self._wake_up()

    def _budgeted(self, changes: dict) -> dict:
        """The changes, once their work fits this stream's share and all play's; InputError if not."""
        rate = changes.get("rate", self.rate)
        steps = changes.get("steps_per_frame", self.steps_per_frame)
        largest = self._largest(rate)
        if steps > largest:
            raise whole_error(steps, largest, f" for this session at {rate:g} frames a second")
        self._ask_load(self._load_of(rate, steps, changes.get("paused", self.paused)))
        return changes

    def _largest(self, rate: float) -> int:
        """The most steps a frame this stream may take at `rate`: its share, and one call's budget."""
        share = self.session.max_steps(seconds=self.limits.play_share / rate)
        return min(MAX_STEPS_PER_FRAME, share, self.session.max_steps())

    def _load_of(self, rate: float, steps: int, paused: bool) -> float:
        return 0.0 if paused else rate * self.session.estimate(steps)

    def _ask_load(self, load: float) -> None:
        """Takes `load` as this stream's part of all play's work, or InputError when it does not fit."""
        total = self.store.plays.load - self.load + load
        if load > self.load and total > self.limits.play_total_load:
            raise InputError(
                "steps_per_frame", "the server is playing as fast as it can for everyone; choose fewer "
                "steps per frame or a lower rate, or try again later"
            )  # fmt: skip
        self.store.plays.load, self.load = max(0.0, total), load

    # ------------------------------------------------------------ frames out

    async def tick(self) -> None:
        """Sends a frame at every tick of a clock at `rate` ticks a second, until stopped."""
        loop = asyncio.get_running_loop()
        last_sent = -math.inf
        due = loop.time()
        try:
            while not self.stopped:
                if self.paused:
                    idle = self.limits.play_idle_seconds
                    paused_at = loop.time()
                    while self.paused and not self.stopped and loop.time() - paused_at < idle:
                        await self._sleep(paused_at + idle)
                    if self.paused and not self.stopped:
                        await self._close(4408, f"paused for {idle:g} s, so closed; press play to go on")
                        return
                    continue
                period = 1.0 / self.rate
                now = loop.time()
                if self._changed:  # new settings count from the last frame sent
                    self._changed = False
                    due = _on_grid(max(last_sent + period, now), period)
                if now < due:
                    await self._sleep(due)
                    continue
                last_sent = now
                await self._frame()
                # The next tick on the schedule that is still ahead: ticks missed
                # while this frame was late are dropped, not sent in a burst.
                due += period * max(1, math.floor((loop.time() - due) / period) + 1)
        except Exception:  # a bug must not leave a silent stream behind
            log.exception("play ticker failed")
            await self._close(1011, "the server failed to make a frame")

    async def _frame(self) -> None:
        try:
            # Taking steps also keeps a playing session from expiring.
            n = self.steps_per_frame
            body = await run.take(
                self.store,
                self.workers,
                self.session_id,
                n,
                False,
                play_frame,
                tell="frame",
                client=self.client,
            )
        except SessionNotFound:
            await self._close(4404, "the session was deleted or expired")
            return
        except (Unavailable, TooManyRequests):
            return  # a worker or the store is away, or the workers are in use: this tick is skipped
        except Diverged as e:
            self.paused = True
            self._ask_load(0.0)
            await self._send(orjson.dumps(diverged_message(e), option=orjson.OPT_SERIALIZE_NUMPY))
            return
        except InputError as refused:  # the budget shrank since the settings (the estimate learns)
            self.paused = True
            self._ask_load(0.0)
            largest, why = self._largest(self.rate), f" for this session at {self.rate:g} frames a second now"
            # told as a settings message past it is told, with the most it may take now
            past = largest < self.steps_per_frame
            told = whole_error(self.steps_per_frame, largest, why) if past else refused
            await self._send(error_message(told))
            return
        await self._send(body)

    # ------------------------------------------------------------ plumbing

    async def _sleep(self, until: float | None) -> None:
        """Sleeps until the loop time `until` (forever when None) or until woken."""
        loop = asyncio.get_running_loop()
        self._wake = loop.create_future()
        timer = loop.call_at(until, _resolve, self._wake) if until is not None else None
        try:
            await self._wake
        finally:
            if timer is not None:
                timer.cancel()
            self._wake = None

    def _wake_up(self) -> None:
        if self._wake is not None:
            _resolve(self._wake)

    def stop(self) -> None:
        if not self.stopped:
            self._ask_load(0.0)
        self.stopped = True
        self._wake_up()

    async def _send(self, data: bytes) -> None:
        if self.stopped:
            return
        try:
            await self.websocket.send_text(data.decode())
        except (WebSocketDisconnect, RuntimeError, OSError):
            self.stop()  # the page went away; the listener sees it too

    async def _close(self, code: int, reason: str) -> None:
        self.stop()
        with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
            await self.websocket.close(code, reason)


def _on_grid(t: float, period: float) -> float:
    """The first tick at or after t of a clock that every player at this rate shares.

    Players at one rate then tick together: the event loop wakes once for all of
    them instead of once for each, and their frames are made back to back while
    code and data are in cache.  For a hall of players that is about half the
    server's CPU per frame (BENCHMARKS.md, play mode).
    """
    return math.ceil(t / period - 1e-9) * period


def _resolve(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


def diverged_message(exc: Diverged) -> dict:
    return {"type": "diverged", **exc.explain("play"), "state": exc.session.state(weights=False)}
