"""The course's tile coder: Sutton's grid tilings with an index hash table, as its tiles3
gives them, so that Mountain Car's tile-coding agent sees the very features of the course's
assignment.

Each of `tilings` tilings lays a grid of unit cells over the (already scaled) floats, the
t-th shifted by t/tilings in the first float and 3t/tilings in the second (the asymmetric
offsets 1, 3, 5, ... of Sutton & Barto §9.5.4, in units of 1/tilings); a point's tile in a
tiling is named by its coordinates (tiling, cell indices..., ints...), and the table gives
each new name the next free index, in the order names are first met.  A full table, which
the course's settings never fill, maps a new name to Python's hash of it modulo the size
(integer tuples hash the same in every process), as tiles3 does.
"""

from __future__ import annotations

from math import floor


class IndexHashTable:
    """Names of tiles to indices 0 .. size - 1, each new name the next index."""

    def __init__(self, size: int, names: dict[tuple[int, ...], int] | None = None) -> None:
        if size < 1:
            raise ValueError("an index hash table needs a size of at least 1")
        self.size = size
        self.names: dict[tuple[int, ...], int] = dict(names or {})
        self.collisions = 0  # names met after the table was full

    def index(self, name: tuple[int, ...], readonly: bool = False) -> int | None:
        """The name's index; a new name gets the next one (readonly: None, the table unchanged)."""
        found = self.names.get(name)
        if found is not None or readonly:
            return found
        if len(self.names) >= self.size:
            self.collisions += 1
            return hash(name) % self.size
        self.names[name] = len(self.names)
        return self.names[name]


def tiles(
    table: IndexHashTable,
    tilings: int,
    floats: list[float],
    ints: tuple[int, ...] = (),
    readonly: bool = False,
) -> list[int | None]:
    """The index of the tile holding `floats` in each tiling, tiling 0 first (readonly: None for a
    tile the table has not met, which is left unchanged)."""
    return [table.index(name, readonly) for name in names(tilings, floats, ints)]


def names(tilings: int, floats: list[float], ints: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
    """The names of the tiles holding `floats`, one a tiling, tiling 0 first."""
    if len(floats) == 2 and not ints:  # Mountain Car's (p, v): the same names, written out
        a, b = floor(floats[0] * tilings), floor(floats[1] * tilings)
        return [(t, (a + t) // tilings, (b + 3 * t) // tilings) for t in range(tilings)]
    cells = [floor(f * tilings) for f in floats]  # the point in units of 1/tilings
    found = []
    for tiling in range(tilings):
        name = [tiling]
        shift = tiling
        for cell in cells:
            name.append((cell + shift) // tilings)
            shift += 2 * tiling  # offsets t, 3t, 5t, ... for the first, second, third float
        name.extend(ints)
        found.append(tuple(name))
    return found
