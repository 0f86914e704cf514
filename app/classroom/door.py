"""Who may come into a class: what a registry keeps for the teacher's lock and drop
(app/classroom/door_commands.py has the commands).

The roll: the student ids that have held a seat of the class, with the address each last
joined from.  It is bounded as the seats are (at most the class's size, shared fairly between
addresses: kept as seats that are never left, app/classroom/seats.py), so one address that
churns through ids pushes out only its own.  While the class is locked (its state's `locked`)
an id that is not on the roll is refused (ClassLocked): a student who reloads the page or
whose phone slept keeps the same id, and gets back in.

The blocked addresses: those the teacher dropped.  Dropping an address frees every seat it
holds, forgets its ids on the roll and their answers to the open question, and refuses its
sockets from then on (DeviceRemoved), until the class ends or the teacher unblocks; at most
CLASS_BLOCKED_ADDRESSES are kept, the oldest let go first.

Door is what both registries add for this; MemoryDoor keeps it in this process (a Roll per
class); RedisDoor (app/classroom/door_redis.py) in Redis.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import OrderedDict

from .. import limits
from .errors import ClassLocked, DeviceRemoved
from .seats import Seats


class Door(ABC):
    @abstractmethod
    async def addresses(self, code: str) -> tuple[dict[str, int], int]:
        """Seats held by each client address, and how many addresses are blocked."""

    @abstractmethod
    async def drop_address(self, code: str, client: str) -> None:
        """Frees every seat of the address, forgets its ids on the roll and their answers, and
        blocks it (ClassNotFound if there is no class)."""

    @abstractmethod
    async def blocked(self, code: str, client: str) -> bool:
        """Whether the teacher dropped this address."""

    @abstractmethod
    async def unblock(self, code: str) -> None:
        """Lets every dropped address join again."""


class Roll:
    """A class's roll and blocked addresses, in this process."""

    def __init__(self, size: int) -> None:
        self.known = Seats(size)  # student id -> the address it last joined from
        self.blocked: OrderedDict[str, None] = OrderedDict()  # the oldest first

    def admit(self, student: str, client: str, locked: bool) -> None:
        """DeviceRemoved for a dropped address; ClassLocked for an id unknown to a locked class."""
        if client in self.blocked:
            raise DeviceRemoved()
        if locked and student not in self.known:
            raise ClassLocked()

    def seated(self, student: str, client: str, now: float) -> None:
        self.known.join(student, client, "", now)  # when the roll is held evenly, a new id stays off it

    def drop(self, client: str) -> list[str]:
        """Blocks the address; its ids on the roll, forgotten."""
        self.blocked.pop(client, None)
        self.blocked[client] = None
        while len(self.blocked) > limits.CLASS_BLOCKED_ADDRESSES:
            self.blocked.popitem(last=False)
        return self.known.drop(client)


class MemoryDoor(Door):
    """Door for MemoryRegistry, whose classes (`_kept`) each hold `seats`, `roll` and `answers`."""

    async def addresses(self, code: str) -> tuple[dict[str, int], int]:
        kept = self._kept(code)
        kept.seats.forget_stale(time.monotonic() - limits.CLASS_STUDENT_TTL_SECONDS)
        return dict(kept.seats.per_client), len(kept.roll.blocked)

    async def drop_address(self, code: str, client: str) -> None:
        kept = self._kept(code)
        for student in kept.seats.drop(client) + kept.roll.drop(client):
            kept.answers.pop(student, None)

    async def blocked(self, code: str, client: str) -> bool:
        kept = self._classes.get(code)
        return kept is not None and client in kept.roll.blocked

    async def unblock(self, code: str) -> None:
        self._kept(code).roll.blocked.clear()
