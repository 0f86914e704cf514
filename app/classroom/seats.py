"""A class's seats, in this process (MemoryRegistry; RedisRegistry keeps the same in Redis).

A seat is a student id's, held by one socket (`socket`: a random token of that socket's) of one
client address, and counted again by its heartbeat.  One id, one socket: a second socket with
the same id takes the seat, and the first finds out at its next heartbeat.  The seats are
shared fairly between addresses: when the class is full, the address that holds the most
gives up its stalest seat, as long as it holds two more than the address asking; a class
behind one school NAT, alone, still fills every seat.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass
class Seat:
    at: float  # when last counted (monotonic)
    client: str  # the address of the socket that holds it
    socket: str  # that socket's token


class Seats:
    def __init__(self, size: int) -> None:
        self.size = size
        self.held: dict[str, Seat] = {}  # student id -> seat
        self.per_client: Counter = Counter()

    def __len__(self) -> int:
        return len(self.held)

    def __contains__(self, student: str) -> bool:
        return student in self.held

    def join(self, student: str, client: str, socket: str, now: float) -> bool:
        """Seats the student's socket (taking the seat from another socket of the same id);
        False when the class is full and no address holds more than its share."""
        if student not in self.held and len(self.held) >= self.size:
            most, count = max(self.per_client.items(), key=lambda pair: pair[1])
            if most == client or count < self.per_client[client] + 2:
                return False
            stalest = min(
                (s for s, seat in self.held.items() if seat.client == most), key=lambda s: self.held[s].at
            )
            self._free(stalest)
        if student in self.held:
            self._free(student)
        self.held[student] = Seat(now, client, socket)
        self.per_client[client] += 1
        return True

    def beat(self, student: str, socket: str, now: float) -> bool:
        """Counts the socket's seat again; False when the seat is no longer this socket's."""
        seat = self.held.get(student)
        if seat is None or seat.socket != socket:
            return False
        seat.at = now
        return True

    def leave(self, student: str, socket: str) -> None:
        seat = self.held.get(student)
        if seat is not None and seat.socket == socket:
            self._free(student)

    def drop(self, client: str) -> list[str]:
        """Frees every seat of the address: the ids that held them."""
        gone = [s for s, seat in self.held.items() if seat.client == client]
        for student in gone:
            self._free(student)
        return gone

    def forget_stale(self, before: float) -> None:
        for student in [s for s, seat in self.held.items() if seat.at < before]:
            self._free(student)

    def _free(self, student: str) -> None:
        seat = self.held.pop(student)
        self.per_client[seat.client] -= 1
        if not self.per_client[seat.client]:
            del self.per_client[seat.client]
