"""Control mode's tile-coding agent on Mountain Car: the course's assignment as the slides' step
with the first layer frozen.

x is the tile coder's binary features of (p, v) (model/tiles.py, with its index hash table),
B (features x 3 actions) starts at 0 (optimistic: every reward is -1) and is learned; A is not
learned, so a step is the slides' output layer alone, one step per transition:

    theta = x B,  y_hat = theta (linear f_B),  delta_B = y_hat - y (half squared error),
    grad_B = x^T delta_B,  B <- B - alpha_B grad_B

with y the target for the action taken and every other output's own y_hat (mountain_car.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import mountain_car as mc
from .backprop import outer
from .losses import LOSSES
from .sums import product
from .tiles import IndexHashTable


@dataclass
class TileCoder:
    """x for a state: 1 at each tiling's active tile, 0 elsewhere (size = the table's size)."""

    table: IndexHashTable
    tilings: int = 8
    tiles: int = 8

    def x(self, p: float, v: float) -> np.ndarray:
        x = np.zeros(self.table.size)
        x[mc.tile_features(self.table, self.tilings, self.tiles, p, v)] = 1.0
        return x


def frozen_step(x: np.ndarray, action: int, value: float, B: np.ndarray, alpha_B: float) -> dict:
    """The slides' step with A frozen, for the transition's action and its target `value`:
    forward from x, backward through the output layer, B's update.  Every other output's y is
    its own y_hat, so its delta_B is exactly 0.  B is not changed: the trace holds it before
    and after."""
    theta = product(x, B)
    y_hat = theta
    y = mc.outputs_target(y_hat, action, value)
    d = y_hat - y
    loss = LOSSES["half_squared"][0](d)
    delta_B = d  # dL/dy_hat (y_hat - y) times f_B' = 1
    grad_B = outer(x, delta_B)
    B_new = B - alpha_B * grad_B
    return {
        "x": x, "y": y, "theta": theta, "y_hat": y_hat, "loss": loss, "delta_B": delta_B,
        "grad_B": grad_B, "B_before": B, "B": B_new,
    }  # fmt: skip


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
    x = coder.x(p, v)
    a = mc.epsilon_greedy(product(x, B), epsilon, rng)
    steps = 0
    while True:
        p, v, reward, terminal = mc.move(p, v, a)
        steps += 1
        if terminal:
            value, x_next, a_next = reward, None, 0
        else:
            x_next = coder.x(p, v)
            q_next = product(x_next, B)
            a_next = mc.epsilon_greedy(q_next, epsilon, rng)
            value = mc.target(agent, reward, False, q_next, a_next, gamma, epsilon)
        B = frozen_step(x, a, value, B, alpha_B)["B"]
        if terminal or steps >= max_steps:
            return B, steps
        x, a = x_next, a_next
