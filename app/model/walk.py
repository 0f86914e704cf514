"""The random walk of the course's TD lesson: moves, true values, features and targets.

States 0 .. n-1 lie in a row (the page numbers them 1 .. n).  An episode starts in
the middle; each move goes 1 .. jump states to the left or to the right, each of the
2 jump moves equally likely.  A move past the left end ends the episode with reward
-1, past the right end with +1; every other reward is 0.  The two ends are written
as the positions -1 and n.

The network's input s is the state's features, its output y_hat the value estimate
v_hat(s).  The target y of the slides' step is, for a transition (S, R, S'),

    TD:  y = R + gamma v_hat(S')   with the weights before the update, and y = R when S' is terminal
    MC:  y = G_t, the return from S_t, known once the episode has ended

NumPy only.  Randomness comes in as arguments (a uniform draw, or a Generator to draw
from); nothing here makes its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .backprop import forward
from .net import Net
from .sums import product, sum_of_squares

MAX_EPISODE = 10_000_000  # moves of one Monte Carlo episode (p < 1e-20 of reaching it): bounds a call

LEFT_REWARD = -1.0
RIGHT_REWARD = 1.0
FEATURES = ("one_hot", "aggregate")
TARGETS = ("td", "mc")
# An episode of the longest walk (1000 states, jump 1) takes about 250,000 moves on
# average; one still going after MAX_EPISODE moves is cut there, with return 0.
_CHUNK = 4096  # moves drawn at a time while simulating an episode to its end


@dataclass(frozen=True)
class Walk:
    """The environment: its size, its largest move, the discount and the features."""

    states: int = 19
    jump: int = 1
    gamma: float = 1.0
    features: str = "one_hot"
    groups: int = 10  # state aggregation: this many groups of neighbouring states

    def __post_init__(self) -> None:
        if self.states < 1 or not 1 <= self.jump <= self.states:
            raise ValueError("a walk needs at least one state and 1 <= jump <= states")
        if not 0.0 <= self.gamma <= 1.0:
            raise ValueError("gamma must be in [0, 1]")
        if self.features not in FEATURES:
            raise ValueError(f"features must be one of {FEATURES}")
        if self.features == "aggregate" and not 1 <= self.groups <= self.states:
            raise ValueError("groups must be between 1 and states")

    @property
    def start(self) -> int:
        return (self.states - 1) // 2

    @property
    def n_features(self) -> int:
        return self.groups if self.features == "aggregate" else self.states

    def feature(self, state: int) -> int:
        """The one feature that is 1 for a state: the state itself, or its group."""
        return state * self.groups // self.states if self.features == "aggregate" else state


# ---------------------------------------------------------------- moves


def move(u: float, jump: int) -> int:
    """The move for a uniform draw u in [0, 1): one of -jump .. -1, 1 .. jump, equally likely."""
    k = int(u * (2 * jump))
    return k - jump if k < jump else k - jump + 1


def moves(u: np.ndarray, jump: int) -> np.ndarray:
    """move() for an array of draws, value for value."""
    k = np.floor(u * (2 * jump)).astype(np.int64)
    return k - jump + (k >= jump)


def transition(walk: Walk, state: int, u: float) -> tuple[int, float, bool]:
    """(S', R, terminal) for a move from `state` drawn with u."""
    after = state + move(u, walk.jump)
    if after < 0:
        return -1, LEFT_REWARD, True
    if after >= walk.states:
        return walk.states, RIGHT_REWARD, True
    return after, 0.0, False


def episode_outcome(walk: Walk, rng: np.random.Generator) -> tuple[int, float]:
    """Simulate an episode from the middle: its length T and its last reward R_T.

    Each move uses one rng.random() draw, so a Generator started from the same
    state and drawing one value per move replays exactly this episode.  The moves
    are drawn _CHUNK at a time; the unused rest of the last chunk is skipped.
    """
    position, length = walk.start, 0
    while length < MAX_EPISODE:
        path = position + np.cumsum(moves(rng.random(_CHUNK), walk.jump))
        out = np.flatnonzero((path < 0) | (path >= walk.states))
        if len(out):
            end = int(out[0])
            return length + end + 1, LEFT_REWARD if path[end] < 0 else RIGHT_REWARD
        position, length = int(path[-1]), length + _CHUNK
    return MAX_EPISODE, 0.0


# ---------------------------------------------------------------- true values


def true_values(walk: Walk) -> np.ndarray:
    """v(s) for every state under the random policy: closed form for jump 1, else DP."""
    if walk.jump == 1 and walk.gamma > 0.0:
        return closed_form_values(walk.states, walk.gamma)
    return dp_values(walk.states, walk.jump, walk.gamma)


def closed_form_values(states: int, gamma: float) -> np.ndarray:
    """v for jump 1.  Between the ends v_i = (gamma / 2)(v_{i-1} + v_{i+1}), with the
    ends acting as v_{-1} = -1/gamma and v_n = +1/gamma (the reward, undiscounted).

    gamma = 1: a straight line, v_i = 2 (i + 1) / (n + 1) - 1.
    gamma < 1: with cosh c = 1/gamma and N = n + 1, k = i + 1,
        v_i = (sinh(c k) - sinh(c (N - k))) / (gamma sinh(c N)),
    each ratio computed as exp(c (k - N)) (1 - e^{-2ck}) / (1 - e^{-2cN}) so that
    long walks and small gamma neither overflow nor lose digits.
    """
    k = np.arange(1, states + 1, dtype=np.float64)
    N = states + 1
    if gamma == 1.0:
        return 2.0 * k / N - 1.0
    c = np.log1p(np.sqrt(1.0 - gamma * gamma)) - np.log(gamma)  # arccosh(1/gamma)

    def ratio(j: np.ndarray) -> np.ndarray:  # sinh(c j) / (gamma sinh(c N))
        return np.exp(c * (j - N) - np.log(gamma)) * np.expm1(-2.0 * c * j) / np.expm1(-2.0 * c * N)

    return ratio(k) - ratio(N - k)


def dp_values(states: int, jump: int, gamma: float) -> np.ndarray:
    """Policy evaluation by dynamic programming: the Bellman equations v = r + gamma P v,
    solved exactly in one linear solve.  (Sweeps of v <- r + gamma P v would need
    of the order of (states / jump)^2 of them at gamma = 1.)"""
    P = np.zeros((states, states))
    r = np.zeros(states)
    i = np.arange(states)
    p = 1.0 / (2 * jump)
    for d in [*range(-jump, 0), *range(1, jump + 1)]:
        j = i + d
        inside = (j >= 0) & (j < states)
        P[i[inside], j[inside]] += p  # one move d never sends two states to the same j
        r += p * np.where(j < 0, LEFT_REWARD, np.where(j >= states, RIGHT_REWARD, 0.0))
    return banded_solve(np.eye(states) - gamma * P, r, jump)


def banded_solve(M: np.ndarray, r: np.ndarray, width: int) -> np.ndarray:
    """v with M v = r, for M whose entries more than `width` off the diagonal are 0 and whose
    diagonal outweighs the rest of each row (I - gamma P, P a walk's moves): Gaussian
    elimination without pivoting, which keeps to the band, then back substitution.

    Every operation is NumPy's, in an order fixed by the shapes (LAPACK's solve sums in the
    order of the CPU's BLAS kernel), so the true values, and the RMSVE made from them, are the
    same bits on every CPU.  M and r are overwritten.  Costs states * width^2.
    """
    n = len(r)
    for k in range(n - 1):
        end = min(n, k + width + 1)
        factors = M[k + 1 : end, k] / M[k, k]
        M[k + 1 : end, k + 1 : end] -= factors[:, None] * M[k, k + 1 : end]
        r[k + 1 : end] -= factors * r[k]
    v = np.empty(n)
    for k in range(n - 1, -1, -1):
        end = min(n, k + width + 1)
        v[k] = (r[k] - np.add.reduce(M[k, k + 1 : end] * v[k + 1 : end])) / M[k, k]
    return v


# ---------------------------------------------------------------- features and v_hat


def feature_index(walk: Walk) -> np.ndarray:
    """Walk.feature for every state."""
    i = np.arange(walk.states)
    return i * walk.groups // walk.states if walk.features == "aggregate" else i


def features(walk: Walk, state: int, bias: bool) -> np.ndarray:
    """s for a state, as the network sees it (the bias 1 last when bias is on)."""
    s = np.zeros(walk.n_features + bias)
    s[walk.feature(state)] = 1.0
    if bias:
        s[-1] = 1.0
    return s


def v_hat(s: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net) -> float:
    """The network's value estimate for one s: its output y_hat."""
    return float(forward(s, A, B, net)["y_hat"][0])


def values(walk: Walk, A: np.ndarray, B: np.ndarray, net: Net) -> np.ndarray:
    """v_hat for every state.  Each s is one-hot (of the state or of its group), so
    sA is a row of A plus the bias row: the forward pass starts from those rows."""
    f_A = ACTIVATIONS[net.f_A][0]
    f_B = ACTIVATIONS[net.f_B][0]
    n = walk.n_features
    psi = A[:n] + A[n] if net.bias else A[:n]
    x = f_A(psi)
    theta = product(x, B[:-1]) + B[-1] if net.bias else product(x, B)
    return f_B(theta)[:, 0][feature_index(walk)]


def rmsve(v_hat: np.ndarray, v_true: np.ndarray) -> float:
    """The root mean squared value error, every state weighted the same."""
    d = v_hat - v_true
    return float(np.sqrt(sum_of_squares(d) / len(d)))


# ---------------------------------------------------------------- targets


def td_target(reward: float, terminal: bool, v_next: float, gamma: float) -> float:
    """y = R + gamma v_hat(S'); a terminal state's value is 0, so there y = R."""
    return reward if terminal else reward + gamma * v_next


def returns(rewards: np.ndarray, gamma: float) -> np.ndarray:
    """G_t = R_{t+1} + gamma G_{t+1} for every t of an episode, from the end backwards."""
    G = np.empty(len(rewards))
    g = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        g = rewards[t] + gamma * g
        G[t] = g
    return G


def mc_return(t: int, length: int, final_reward: float, gamma: float) -> float:
    """G_t on the walk, where every reward but the last is 0: gamma^(T - 1 - t) R_T."""
    return final_reward * gamma ** (length - 1 - t)
