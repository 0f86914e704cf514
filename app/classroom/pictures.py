"""The values a class's students draw (TD mode's v_hat of every state, control mode's q_hat over
(p, v)), of the session the class has on show, whose id they are not told.

Students hold no number the projector has not shown (shown.py), and the values are those of
the weights after the last step's updates: they are read once those updates are on show (a
play frame is shown whole; a step walked phase by phase from its last update on) and while no
question is open; until then the values last given stay the answer (those of weights the class
has seen), or none at all (409).  A class's students ask at about the same moment: they are read from
the store once for each change of the session, one read at a time in a server process (those
who ask meanwhile take its result), and while the session plays, at most once a second (the
answer says its step: a page asks again for a later one).
"""

from __future__ import annotations

import asyncio
import time

import orjson

from ..sessions.store import Store
from . import shown
from .errors import NotShownYet
from .messages import kind_of, state_of
from .registry import ClassInfo, Registry

KEPT = 64  # classes whose values are kept encoded here, the latest asked for
FRESH_SECONDS = 1.0  # while a class's session plays, its values are read at most this often
# The last phase of a step's updates: the tile coder's step has no update of A.
UPDATED = {False: shown.LAST, True: shown.PHASES.index("update_B")}


class Pictures:
    def __init__(self, registry: Registry, store: Store) -> None:
        self.registry = registry
        self.store = store
        self._kept: dict[str, tuple[float, tuple, bytes]] = {}  # code -> (when, what of, its bytes)
        self._reading = asyncio.Lock()

    async def values(self, code: str) -> bytes:
        """The values of the class's session on show, as its own GET .../values gives them; while
        its last step's updates are not on show or a question is open, those last given of the
        same session, or NotShownYet."""
        info = await self.registry.get(code)
        made = (info.session, info.version)
        kept = self._kept.get(code)
        if kept is not None and kept[1] == made and not info.asking():  # given before for this change
            return kept[2]
        last = await self.registry.last(code)
        try:
            playing = self._check_shown(info, last)
        except NotShownYet:
            if kept is not None and kept[1][0] == made[0]:
                return kept[2]
            raise
        recent = kept is not None and kept[1][0] == made[0] and time.monotonic() - kept[0] < FRESH_SECONDS
        if playing and recent:
            return kept[2]
        async with self._reading:
            kept = self._kept.get(code)
            if kept is not None and kept[1] == made:  # read while this one waited
                return kept[2]
            async with self.store.session(info.session) as session:
                body = orjson.dumps(session.values(), option=orjson.OPT_SERIALIZE_NUMPY)
            self._kept.pop(code, None)
            self._kept[code] = (time.monotonic(), made, body)
            while len(self._kept) > KEPT:
                self._kept.pop(next(iter(self._kept)))
        return body

    @staticmethod
    def _check_shown(info: ClassInfo, last: bytes | None) -> bool:
        """Raises NotShownYet unless the last step's updates are on show and no question is
        open; whether it plays."""
        if info.asking():
            raise NotShownYet()
        kind = kind_of(last) if last else None
        if kind not in ("step", "frame"):
            return False  # no step since the class began, or a new session: its weights are on show
        step = state_of(last)["step"]
        phase = shown.on_show(info.state.get("view"), kind, step, info.state.get("quiz"))
        if phase < UPDATED[b'"tiles":' in last]:
            raise NotShownYet()
        return kind == "frame"
