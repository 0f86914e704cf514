"""Control mode's tile-coding agent on Mountain Car: the course's assignment as the slides' step
with the first layer frozen.

x is the tile coder's binary features of (p, v) (model/tiles.py, with its index hash table),
B (features x 3 actions) starts at 0 (optimistic: every reward is -1) and is learned; A is not
learned, so a step is the slides' output layer alone, one step per transition:

    theta = x B,  y_hat = theta (linear f_B),  delta_B = y_hat - y (half squared error),
    grad_B = x^T delta_B,  B <- B - alpha_B grad_B

with y the target for the action taken and every other output's own y_hat (mountain_car.py).

x has a 1 at each tiling's active tile and 0 at the thousands of others, so the sums run over
the active rows of B alone, in the order sums.product adds a whole x: from the last row to the
first, starting at +0 (a 0 x B[i] term adds nothing, not even the sign of a zero).  The rows
of B that x leaves at 0 are unchanged by the update (x[i] delta = 0).  So the sparse step is the
dense one, bit for bit, at a few thousandths of its cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import mountain_car as mc
from .backprop import outer
from .losses import LOSSES
from .tiles import IndexHashTable


@dataclass
class TileCoder:
    """The features of a state: its active tiles, one a tiling, of the table's size in all."""

    table: IndexHashTable
    tilings: int = 8
    tiles: int = 8

    def active(self, p: float, v: float, readonly: bool = False) -> list[int]:
        """The indices where x is 1, each once, highest first: the order of the sums.  With
        readonly, a tile the table has not met is left out (its row of B was never learned)."""
        found = mc.tile_features(self.table, self.tilings, self.tiles, p, v, readonly)
        if readonly or self.table.collisions:  # tiles not met, or hashed ones that may repeat
            return sorted({i for i in found if i is not None}, reverse=True)
        return sorted(found, reverse=True)  # each tiling's tile its own index

    def x(self, p: float, v: float) -> np.ndarray:
        """x written out: 1 at the active tiles, 0 elsewhere."""
        x = np.zeros(self.table.size)
        x[self.active(p, v)] = 1.0
        return x


def q_hat(B: np.ndarray, active: list[int]) -> np.ndarray:
    """theta = x B for x = 1 at the active rows (highest first): +0 + B[i_1] + B[i_2] + ...,
    what sums.product(x, B) adds."""
    # NumPy adds the rows of a (k, 3) array one after another along its first axis, each a
    # vector add across the columns (no pairwise sum: the columns are the contiguous axis).
    return np.add.reduce(B.take(active, axis=0), axis=0, initial=0.0)


def frozen_step(
    active: list[int], action: int, value: float, B: np.ndarray, alpha_B: float, in_place: bool = False
) -> dict:
    """The slides' step with A frozen, for the transition's action and its target `value`:
    forward from x, backward through the output layer, B's update.  Every other output's y is
    its own y_hat, so its delta_B is exactly 0.  x and grad_B are given at the active rows
    (every other row of grad_B is 0), and B's rows there before and after (B_rows_before,
    B_rows).  B is not changed, and the trace holds it before and after; or, in_place, only
    its active rows are written (a session keeps a copy to undo a failed call)."""
    rows_before = B[active]
    theta = np.add.reduce(rows_before, axis=0, initial=0.0)  # q_hat(B, active)
    y_hat = theta
    y = mc.outputs_target(y_hat, action, value)
    d = y_hat - y
    loss = LOSSES["half_squared"][0](d)
    delta_B = d  # dL/dy_hat (y_hat - y) times f_B' = 1
    x = np.ones(len(active))
    grad_B = outer(x, delta_B)
    rows = rows_before - alpha_B * grad_B
    B_new = B if in_place else B.copy()
    B_new[active] = rows
    return {
        "tiles": active, "x": x, "y": y, "theta": theta, "y_hat": y_hat, "loss": loss,
        "dL_dy_hat": d, "df_B": np.ones_like(d), "delta_B": delta_B, "grad_B": grad_B,
        "B_before": None if in_place else B, "B": B_new, "B_rows_before": rows_before, "B_rows": rows,
    }  # fmt: skip


def frozen_update(
    rows: np.ndarray, action: int, value: float, B: np.ndarray, alpha_B: float
) -> tuple[float, np.ndarray]:
    """frozen_step's arithmetic in place, with no trace, for the active rows `rows` (an index
    array, highest first) of a C-ordered B: (its loss, the entries of B it wrote).  Every
    other output's delta_B is exactly 0 (y_hat - y_hat, theta being finite: each of its few
    rows is within WEIGHT_LIMIT), a row minus alpha_B times 0 is that row, and a loss of one
    nonzero error and zeros is half its square: so only the taken action's column at the
    active rows is written (grad_B's entries there are 1 times delta_B, the same bits)."""
    if not B.flags.c_contiguous:
        raise ValueError("B must be C-ordered: its entries are written through a flat view")
    flat = B.reshape(-1)  # a view: row i's column a is entry i * 3 + a
    at = rows * B.shape[1] + action
    column = flat.take(at)
    theta = 0.0  # q_hat's sum for this column: from +0, row after row (np.add.reduce of a
    for b in column.tolist():  # 1-D array would add in pairs, in another order)
        theta += b
    d = theta - value
    column = column - alpha_B * d
    flat.put(at, column)
    return 0.5 * (d * d), column


def tile_episode(
    coder: TileCoder,
    B: np.ndarray,
    rng: np.random.Generator,
    agent: str = "sarsa",
    epsilon: float = 0.0,
    gamma: float = 1.0,
    alpha_B: float = 0.5 / 8,
    max_steps: int = mc.MAX_STEPS,
) -> tuple[np.ndarray, int]:
    """One episode from a start drawn from rng: (B after it, its steps).  Each target comes
    from the weights before its update; an episode cut at max_steps is not an end (its last
    target bootstraps)."""
    p, v = mc.start(rng)
    x = coder.active(p, v)
    a = mc.epsilon_greedy(q_hat(B, x), epsilon, rng)
    steps = 0
    while True:
        p, v, reward, terminal = mc.move(p, v, a)
        steps += 1
        if terminal:
            value, x_next, a_next = reward, None, 0
        else:
            x_next = coder.active(p, v)
            q_next = q_hat(B, x_next)
            a_next = mc.epsilon_greedy(q_next, epsilon, rng)
            value = mc.target(agent, reward, False, q_next, a_next, gamma, epsilon)
        B = frozen_step(x, a, value, B, alpha_B)["B"]
        if terminal or steps >= max_steps:
            return B, steps
        x, a = x_next, a_next
