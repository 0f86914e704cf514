"""Mountain Car (Sutton & Barto §10.1) and the control targets of the course's agents.

    actions 0, 1, 2: throttle -1, 0, +1
    v <- clip(v + 0.001 (a - 1) - 0.0025 cos(3 p), -0.07, 0.07)
    p <- clip(p + v, -1.2, 0.5);  at p = -1.2 the car stops: v <- 0
    reward -1 every step; the episode ends when p reaches 0.5 (or after MAX_STEPS steps)
    start: p ~ U[-0.6, -0.4), v = 0

The network sees s = (p, v) scaled to [-1, 1]; its three outputs are q_hat(s, a).  A step's
target is for the action taken only, made from the weights before the update and held fixed
(semi-gradient), and every other output is given its own y_hat as its y: its error, so its
delta_B, is exactly 0.  Randomness (starts, exploration, ties) comes from the session's
Generator, passed in.
"""

from __future__ import annotations

from math import cos

import numpy as np

from .tiles import IndexHashTable, names, tiles

POSITION = (-1.2, 0.5)
VELOCITY = (-0.07, 0.07)
GOAL = 0.5
ACTIONS = 3
MAX_STEPS = 15_000  # steps of one episode; one still going is cut there
AGENTS = ("sarsa", "expected_sarsa", "q_learning")


def start(rng: np.random.Generator) -> tuple[float, float]:
    """An episode's first state: p uniform in [-0.6, -0.4), at rest."""
    return float(rng.uniform(-0.6, -0.4)), 0.0


def move(p: float, v: float, action: int) -> tuple[float, float, float, bool]:
    """One step of the car: (p', v', reward, terminal)."""
    v = min(max(v + 0.001 * (action - 1) - 0.0025 * cos(3.0 * p), VELOCITY[0]), VELOCITY[1])
    p = min(max(p + v, POSITION[0]), POSITION[1])
    if p == POSITION[0]:
        v = 0.0  # the left wall stops the car
    return p, v, -1.0, p >= GOAL


def record(
    p: float, v: float, action: int, reward: float, p2: float, v2: float, next_action: int, terminal: bool
) -> dict:
    """A transition as a trace and a frame carry it: (S, A, R, S', A') and whether S' ends the episode."""
    return {
        "state": [p, v], "action": action, "reward": reward, "next_state": [p2, v2],
        "next_action": next_action, "terminal": terminal,
    }  # fmt: skip


def scaled(p: float, v: float) -> list[float]:
    """(p, v) mapped linearly onto [-1, 1] x [-1, 1]: the network's inputs, before the bias 1."""
    return [
        2.0 * (p - POSITION[0]) / (POSITION[1] - POSITION[0]) - 1.0,
        2.0 * (v - VELOCITY[0]) / (VELOCITY[1] - VELOCITY[0]) - 1.0,
    ]


def tile_features(
    table: IndexHashTable, tilings: int, tiles_per_side: int, p: float, v: float, readonly: bool = False
) -> list[int | None]:
    """The active tiles of (p, v), as the course's assignment asks tiles3 for them: each float
    times tiles / (its range), so a tiling has `tiles` cells across each range."""
    return tiles(table, tilings, tile_floats(tiles_per_side, p, v), readonly=readonly)


def tile_names(tilings: int, tiles_per_side: int, p: float, v: float) -> list[tuple[int, ...]]:
    """The names of (p, v)'s tiles, which the table turns into indices."""
    return names(tilings, tile_floats(tiles_per_side, p, v))


def tile_floats(tiles_per_side: int, p: float, v: float) -> list[float]:
    """(p, v) as the course's assignment gives them to tiles3: times tiles / (their range)."""
    p_scale = tiles_per_side / (POSITION[1] - POSITION[0])
    v_scale = tiles_per_side / (VELOCITY[1] - VELOCITY[0])
    return [p * p_scale, v * v_scale]


def greedy(q: np.ndarray, rng: np.random.Generator) -> int:
    """The action of the largest q_hat; a tie is broken at random (one draw, only for a tie)."""
    values = q.tolist()  # three numbers: Python's comparisons are quicker than NumPy's calls
    top = max(values)
    best = [a for a, value in enumerate(values) if value == top]
    return best[0] if len(best) == 1 else best[int(rng.integers(len(best)))]


def epsilon_greedy(q: np.ndarray, epsilon: float, rng: np.random.Generator) -> int:
    """With probability epsilon an action uniformly at random, else a greedy one.  epsilon = 0
    draws nothing for exploring."""
    if epsilon > 0.0 and rng.random() < epsilon:
        return int(rng.integers(ACTIONS))
    return greedy(q, rng)


def policy(q: np.ndarray, epsilon: float) -> np.ndarray:
    """pi(a | s) of the epsilon-greedy policy on q: epsilon / 3 each, the rest shared by the
    greedy actions."""
    best = q == q.max()
    return epsilon / ACTIONS + (1.0 - epsilon) * best / best.sum()


def target(
    agent: str,
    reward: float,
    terminal: bool,
    q_next: np.ndarray,
    next_action: int,
    gamma: float,
    epsilon: float,
) -> float:
    """The taken action's target: R at the end, else R + gamma times
    q_hat(S', A') (Sarsa), max_a q_hat(S', a) (Q-learning) or sum_a pi(a|S') q_hat(S', a)
    (Expected Sarsa, its terms added from the first action)."""
    if terminal:
        return reward
    if agent == "sarsa":
        ahead = float(q_next[next_action])
    elif agent == "q_learning":
        ahead = float(q_next.max())
    elif agent == "expected_sarsa":
        ahead = 0.0
        for p, q in zip(policy(q_next, epsilon).tolist(), q_next.tolist(), strict=True):
            ahead += p * q
    else:
        raise ValueError(f"agent must be one of {', '.join(AGENTS)}")
    return reward + gamma * ahead


def outputs_target(y_hat: np.ndarray, action: int, value: float) -> np.ndarray:
    """y for the step: the target for the action taken, each other output's own y_hat."""
    y = y_hat.copy()
    y[action] = value
    return y
