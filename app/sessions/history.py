"""A session's loss history: the last HISTORY per-step losses, in one float64 ring.

A ring of doubles costs 8 bytes a loss, where a deque of Python floats costs about 32,
and takes a call's losses in one copy rather than one object each.
"""

from __future__ import annotations

import secrets

import numpy as np

from ..limits import HISTORY


class LossHistory:
    def __init__(self, size: int = HISTORY) -> None:
        self._ring = np.empty(size)
        self._end = 0  # where the next loss goes
        self._count = 0
        self.total = 0  # losses ever added: since(total) is what a call added
        self.serial = secrets.token_hex(8)  # which history this is: a fresh run starts a new one

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        return self._ring.nbytes

    def extend(self, losses) -> None:
        size, k = len(self._ring), min(len(losses), len(self._ring))
        if k == 1:  # one step's loss, the most common call, without the slicing
            self._ring[self._end] = losses[-1]
        else:
            losses = np.asarray(losses, dtype=np.float64)[-size:]
            first = min(k, size - self._end)
            self._ring[self._end : self._end + first] = losses[:first]
            self._ring[: k - first] = losses[first:]
        self._end = (self._end + k) % size
        self._count = min(size, self._count + k)
        self.total += k

    def since(self, total: int) -> np.ndarray:
        """The losses added after the history had seen `total` (at most those it keeps)."""
        k = min(self.total - total, self._count)
        if k <= 0:
            return self._ring[:0]
        start = (self._end - k) % len(self._ring)
        if start + k <= len(self._ring):
            return self._ring[start : start + k].copy()
        return np.concatenate([self._ring[start:], self._ring[: self._end]])

    def tolist(self) -> list[float]:
        """The losses kept, oldest first."""
        start = (self._end - self._count) % len(self._ring)
        if start + self._count <= len(self._ring):
            return self._ring[start : start + self._count].tolist()
        return np.concatenate([self._ring[start:], self._ring[: self._end]]).tolist()
