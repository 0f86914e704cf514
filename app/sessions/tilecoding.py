"""Control mode with the course's tile coder: the same picture, its first layer frozen.

x is the tile coder's features of (p, v): a 1 at each tiling's active tile of the index
hash table (app/model/tiles.py), 0 at every other; A is not learned (it has no weights: the
tile coder stands in its place), and B (iht_size x 3) is learned by the slides' output-layer
step (app/model/control.py), from 0, with alpha_B = 0.5 / tilings by default.  s is still the
scaled (p, v), shown beside the tiles.  The table is part of the run: which tile got which
index depends on the order the car met them, so a document carries its names in index order.

A step's trace and a frame give B's rows at the active tiles only (`tiles` names them): the
other thousands of rows are unchanged by the step and would cost every frame 12,000 numbers.
"""

from __future__ import annotations

from itertools import islice

import numpy as np

from ..model import control
from ..model import mountain_car as mc
from ..model.tiles import IndexHashTable
from . import budget
from .config import ConfigIn
from .control import ControlSession, grid_states
from .errors import InputError

NO_A = np.zeros((2, 0))  # s has two entries and A no column: x does not come from s A
NO_A.flags.writeable = False
EMPTY = np.zeros(0)
EMPTY.flags.writeable = False


_GRID_NAMES: dict[tuple[int, int], list[list[tuple[int, ...]]]] = {}  # the latest coders' (8 at most)


def _grid_names(coder: control.TileCoder) -> list[list[tuple[int, ...]]]:
    """The names of the tiles at each point of the views' grid: the same for every table."""
    key = (coder.tilings, coder.tiles)
    found = _GRID_NAMES.get(key)
    if found is None:
        p, v = grid_states()
        found = [mc.tile_names(coder.tilings, coder.tiles, a, b) for a in p.tolist() for b in v.tolist()]
        while len(_GRID_NAMES) >= 8:
            _GRID_NAMES.pop(next(iter(_GRID_NAMES)))
        _GRID_NAMES[key] = found
    return found


class TileSession(ControlSession):
    KIND_RUN = (*ControlSession.KIND_RUN, "coder")

    def _load_inputs(self, config: ConfigIn) -> tuple[int, int]:
        env = config.environment
        for field, value, want in (
            ("optimizer", config.optimizer, "sgd"), ("f_B", config.f_B, "linear"),
            ("loss", config.loss, "half_squared"), ("bias", config.bias, False),
        ):  # fmt: skip
            if value != want:
                raise InputError(field, f"the course's tile coder learns q_hat = x B with {field} {want!r}")
        if env.replay:
            raise InputError("environment.replay", "must be 0: the tile coder learns each transition once")
        n_s, n_y = super()._load_inputs(config)  # the agent: targets, exploration
        self.coder = control.TileCoder(IndexHashTable(env.iht_size), env.tilings, env.tiles)
        self._grid_tiles: np.ndarray | None = None  # the grid's active tiles; -1: not met yet
        self._grid_seen = -1  # the table's size when they were looked up
        self._grid_unmet: dict[tuple[int, ...], list[tuple[int, int]]] = {}  # name -> its places
        return n_s, n_y

    def weight_shapes(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """A has no weights; B one row per entry of the index hash table."""
        return NO_A.shape, (self.config.environment.iht_size, self.n_y)

    def _initial_weights(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """B at 0 (or as given); nothing is drawn: the starts, the exploration and the ties are
        the generator's first draws."""
        return NO_A, self.B0.copy() if self.B0 is not None else np.zeros(self.weight_shapes()[1])

    def _fresh_run(self) -> None:
        super()._fresh_run()
        env = self.config.environment
        self.coder = control.TileCoder(IndexHashTable(env.iht_size), env.tilings, env.tiles)
        self.buffer = None  # the course's agent learns from each transition once
        self._grid_seen, self._grid_tiles = -1, None
        self._cached_active: tuple | None = None

    # ------------------------------------------------------------ q_hat where the views need it

    def _grid_q(self, B: np.ndarray) -> np.ndarray:
        """q_hat at every point of the views' grid: each point's active tiles, looked up without
        adding any to the table (a tile not met yet adds nothing: its row of B was never learned)."""
        if self._grid_seen != len(self.coder.table.names):
            self._grid_look_up()
        padded = np.vstack([B, np.zeros((1, B.shape[1]))])  # row -1: the tiles not met
        q = np.zeros((len(self._grid_tiles), B.shape[1]))
        for column in self._grid_order:
            q = q + padded[column]
        return q

    def _grid_look_up(self) -> None:
        """The grid's tiles' indices (-1: not met yet), each point's highest first, as a step adds
        them.  When the table has grown, only the names it added since are looked for among the
        grid's tiles not met (a table only grows between lookups: an undo or an import starts
        them again)."""
        table, names = self.coder.table.names, _grid_names(self.coder)
        if self._grid_tiles is None:
            self._grid_tiles = np.array([[table.get(name, -1) for name in row] for row in names])
            self._grid_unmet = {}
            for r, c in zip(*np.nonzero(self._grid_tiles == -1), strict=True):
                self._grid_unmet.setdefault(names[r][c], []).append((r, c))
        else:
            for name in islice(reversed(table), len(table) - self._grid_seen):  # the newest names
                for r, c in self._grid_unmet.pop(name, ()):
                    self._grid_tiles[r, c] = table[name]
        self._grid_seen = len(table)
        self._grid_order = (-np.sort(-self._grid_tiles, axis=1)).T

    def _mean_loss(self, A: np.ndarray, B: np.ndarray) -> float:
        return 0.0 - float(self._grid_q(B).max(axis=1).mean())

    def values(self) -> dict:
        p, v = grid_states()
        return {"step": self.step, "position": p, "velocity": v, "q_hat": self._grid_q(self.B)}

    def _kind_nbytes(self) -> int:
        names = 200 * len(self.coder.table.names)  # a tuple of three ints and its dict entry
        grid = 0 if self._grid_tiles is None else 2 * self._grid_tiles.nbytes  # and its order
        unmet = 250 * len(self._grid_unmet)  # a name, its list of places
        return names + grid + unmet + 8 * len(self.episode_steps)

    def __getstate__(self) -> dict:
        """To a worker process without the views' grid lookups (up to thousands of names), which
        are worked out again where they are needed."""
        state = super().__getstate__()
        state.update(_grid_tiles=None, _grid_seen=-1, _grid_unmet={}, _grid_order=None)
        return state

    def _cost(self) -> tuple[float, float]:
        c = budget.costs()
        return c.tile_grid, c.tile_step

    def config_out(self) -> dict:
        return super().config_out() | {"n_x": self.config.environment.iht_size}

    # ------------------------------------------------------------ steps

    def _in_place(self) -> None:
        return None  # B's active rows are written in place by every step already

    def _one_step(
        self, A: np.ndarray, B: np.ndarray, moments: dict | None, t: int = 0, shown=None, fast=None
    ) -> tuple[dict, bool]:
        """One transition and the output layer's step on it; drives the car on.  A step whose
        trace is not kept (ControlSession._shown) gives only its loss and B's rows it wrote."""
        agent = self.agent
        if self.car is None:
            p, v = mc.start(self.rng)
            action = mc.epsilon_greedy(control.q_hat(B, self._active(p, v)), agent.epsilon, self.rng)
            self.car = {"p": p, "v": v, "action": action, "t": 0}
        car = self.car
        p, v, action = car["p"], car["v"], car["action"]
        active, rows = self._looked_up(p, v)
        p2, v2, reward, terminal = mc.move(p, v, action)
        if terminal:
            q_next, a2, value = np.zeros(mc.ACTIONS), 0, reward
        else:
            q_next = control.q_hat(B, self._looked_up(p2, v2)[1])
            a2 = mc.epsilon_greedy(q_next, agent.epsilon, self.rng)
            value = agent.value(reward, False, q_next, a2)
        move = mc.record(p, v, action, reward, p2, v2, a2, terminal)
        if not self._shown(t, shown, car, terminal):
            # B's active rows are written in place: _save keeps a copy of B to undo a failed call.
            loss, written = control.frozen_update(rows, action, value, B, self.net.alpha_B)
            trace = {"loss": loss, "A": NO_A, "B": B, "B_rows": written, "transition": move}
            return trace, self._drive_on(move, car["t"] + 1)
        trace = control.frozen_step(active, action, value, B, self.net.alpha_B, in_place=True)
        s_next = np.zeros(2) if terminal else np.array(mc.scaled(p2, v2))
        trace |= {
            "s": np.array(mc.scaled(p, v)), "s_next": s_next,
            "psi": EMPTY, "df_A": EMPTY, "delta_A": EMPTY, "grad_A": NO_A, "A_before": NO_A, "A": NO_A,
            "q_next": q_next, "index": car["t"], "transition": move,
        }  # fmt: skip
        return trace, self._drive_on(move, car["t"] + 1)

    def _active(self, p: float, v: float) -> list[int]:
        """coder.active, the S' of one step being the S of the next: looked up once."""
        return self._looked_up(p, v)[0]

    def _looked_up(self, p: float, v: float) -> tuple[list[int], np.ndarray]:
        """(p, v)'s active tiles, as a list and as an index array."""
        cached = self._cached_active
        if cached is not None and cached[0] == p and cached[1] == v:
            return cached[2]
        active = self.coder.active(p, v)
        found = active, np.array(active, dtype=np.intp)
        self._cached_active = (p, v, found)
        return found

    def shown_trace(self, trace: dict) -> dict:
        return trace | {"B_before": trace["B_rows_before"], "B": trace["B_rows"]}

    def _save(self, n: int = 1) -> tuple:
        table = self.coder.table
        return (*super()._save(n), dict(table.names), table.collisions, self.B.copy())

    def _load(self, saved: tuple) -> None:
        *rest, names, collisions, B = saved
        super()._load(tuple(rest))
        self.coder.table.names, self.coder.table.collisions = names, collisions
        self.B, self._cached_active = B, None
        self._grid_seen, self._grid_tiles = -1, None  # the grid may name tiles the table no longer has

    def preview(self) -> dict:
        """The next step's forward pass: its tiles, x there, theta = y_hat = q_hat(S, .)."""
        trace = self._peek()
        return {"index": trace["index"], "tiles": trace["tiles"], "psi": EMPTY} | {
            k: trace[k] for k in ("x", "theta", "y_hat", "loss")
        }

    def gradcheck(self, weight: str | None = None) -> dict:
        raise InputError(
            "weight", "the tile coder's q_hat = x B is linear in B and A has no weights: nothing to check"
        )

    def predict(self, s: list[list[float]], units: bool = False) -> dict:
        raise InputError("s", "the tile coder's x comes from (p, v) through its table: see /values for q_hat")

    # ------------------------------------------------------------ documents

    def document_run(self) -> dict:
        out = super().document_run()
        table = self.coder.table
        names = sorted(table.names, key=table.names.get)  # in index order: name i has index i
        out["car"]["iht"] = {"names": names, "collisions": table.collisions}
        return out

    def load_document_run(self, run) -> None:
        super().load_document_run(run)
        doc = run.car.iht
        if doc is None:
            raise InputError("run.car.iht", "a tile coder's run needs its index hash table's names")
        env = self.config.environment
        if len(doc.names) > env.iht_size:
            raise InputError("run.car.iht.names", f"at most iht_size = {env.iht_size} names")
        names = {}
        for i, name in enumerate(doc.names):
            if len(name) != 3 or not 0 <= name[0] < env.tilings:
                raise InputError(
                    "run.car.iht.names",
                    f"name {i} must be [tiling, cell, cell] with a tiling below {env.tilings}",
                )
            names.setdefault(tuple(name), i)
        if len(names) != len(doc.names):
            raise InputError("run.car.iht.names", "each name once")
        self.coder.table.names, self.coder.table.collisions = names, doc.collisions
        self._grid_seen, self._grid_tiles, self._cached_active = -1, None, None
