"""What one call may cost, in seconds of this machine's time, by the kind of step it takes.

The cost of a step is measured once per process (about a tenth of a second at start):
each kind of step (untraced SGD, traced SGD, Adam, a TD transition, a Monte Carlo
episode's start and its simulated moves, the mean loss over D) is timed on two network
sizes, and its cost taken as a fixed part plus a part per weight.  A call is then
estimated before it runs; over CALL_SECONDS it is refused, naming the largest n that fits.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cache

import numpy as np

from .. import model
from ..limits import CALL_SECONDS, MAX_STEPS
from ..model import control, mountain_car, replay
from ..model import walk as td
from ..model.tiles import IndexHashTable

# Estimates err on the slow side: a call's real time varies with the cache, the other
# core's load and the collector, and a refused call is cheaper than a frozen server.
SAFETY = 1.5


@dataclass(frozen=True)
class Linear:
    """Seconds as fixed + per_weight * weights."""

    fixed: float
    per_weight: float

    def __call__(self, weights: int) -> float:
        return self.fixed + self.per_weight * weights


@dataclass(frozen=True)
class StepCosts:
    untraced: Linear  # one SGD step of the fast-forward loop
    traced: Linear  # one SGD step with its trace (the last of a call, or every one after a failure)
    adam: Linear  # one Adam step (always traced)
    td_extra: Linear  # what a TD transition adds to its traced step: features, the move, v_hat(S')
    control_extra: Linear  # what Mountain Car adds to each step: the move, s, q_hat(S') and q_hat(S)
    tile_step: float  # one transition of the tile coder's agent, its step included
    tile_grid: float  # q_hat over the views' grid with a tile coder, its tiles looked up again
    loss_row: Linear  # the mean loss over D, per row of D
    episode_start: float  # starting a Monte Carlo episode, before its moves
    move: float  # one move of simulating an episode


def _seconds(fn, repeat: int) -> float:
    """The best of two timings of `repeat` calls, per call."""
    best = math.inf
    for _ in range(2):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def _fit(measure, sizes=((2, 4, 1), (64, 64, 4))) -> Linear:
    """A line through the per-step seconds `measure` takes at two network sizes."""
    points = []
    for n_s, n_x, n_y in sizes:
        net = model.Net()
        A, B = model.init_weights(np.random.default_rng(0), n_s, n_x, n_y, net)
        points.append((A.size + B.size, measure(net, n_s, n_y, A, B)))
    (w0, t0), (w1, t1) = points
    per_weight = max(0.0, (t1 - t0) / (w1 - w0))
    return Linear(max(0.0, t0 - per_weight * w0), per_weight)


def _untraced(net, n_s, n_y, A, B) -> float:
    S, Y = model.with_bias(np.full((8, n_s), 0.3), True), np.zeros((8, n_y))
    order = np.arange(300) % 8
    return _seconds(lambda: model.run(S, Y, order, A, B, net), 2) / len(order)


def _traced(net, n_s, n_y, A, B) -> float:
    s, y = model.with_bias(np.full(n_s, 0.3), True), np.zeros(n_y)
    return _seconds(lambda: model.step(s, y, A, B, net), 60)


def _adam(net, n_s, n_y, A, B) -> float:
    s, y, moments = model.with_bias(np.full(n_s, 0.3), True), np.zeros(n_y), model.adam_moments(A, B)
    return _seconds(lambda: model.adam_step(s, y, A, B, net, moments, 1e-8), 40)


def _td_extra(net, n_s, n_y, A, B) -> float:
    walk = td.Walk(states=n_s)
    rng = np.random.default_rng(0)

    def extra() -> None:  # what TDSession's one step does besides the model's step
        S_next, R, terminal = td.transition(walk, walk.start, rng.random())
        s_next = td.features(walk, S_next if not terminal else walk.start, True)
        td.features(walk, walk.start, True)
        td.td_target(R, terminal, td.v_hat(s_next, A, B, net), walk.gamma)

    return _seconds(extra, 60)


def _control_extra(net, n_s, n_y, A, B) -> float:
    agent, rng = replay.Agent(net), np.random.default_rng(0)

    def extra() -> None:  # what a control step does besides the model's step (replay.transition)
        p, v, _, _ = mountain_car.move(-0.5, 0.0, 2)
        s, s_next = agent.s(-0.5, 0.0), agent.s(p, v)
        q_next = agent.q(s_next, A, B)
        mountain_car.epsilon_greedy(q_next, 0.1, rng)
        mountain_car.outputs_target(agent.q(s, A, B), 2, agent.value(-1.0, False, q_next, 0))

    return _seconds(extra, 60)


def _tile_step() -> float:
    coder, rng = control.TileCoder(IndexHashTable(4096)), np.random.default_rng(0)
    B = np.zeros((4096, mountain_car.ACTIONS))

    def transition() -> None:  # what TileSession's one step does (app/sessions/tilecoding.py)
        active = coder.active(-0.5, 0.0)
        p, v, _, _ = mountain_car.move(-0.5, 0.0, 2)
        q_next = control.q_hat(B, coder.active(p, v))
        mountain_car.epsilon_greedy(q_next, 0.0, rng)
        trace = control.frozen_step(active, 2, -1.0 + q_next.max(), B, 0.0625, in_place=True)
        model.is_finite_step(trace | {"A": np.zeros((2, 0))})

    return _seconds(transition, 60)


def _tile_grid() -> float:
    """q_hat over the views' grid with every tile looked up again (the first call, or after the
    table grew everywhere): a dict lookup per tile of each point, then the rows added."""
    table, points = IndexHashTable(4096), np.linspace(-1.2, 0.5, 1024)
    names = [mountain_car.tile_names(8, 8, p, 0.0) for p in points]
    for row in names:
        for name in row:
            table.index(name)
    B = np.zeros((4097, mountain_car.ACTIONS))

    def grid() -> None:
        tiles = np.array([[table.names.get(name, -1) for name in row] for row in names])
        q = np.zeros((len(tiles), B.shape[1]))
        for column in (-np.sort(-tiles, axis=1)).T:
            q = q + B[column]

    return _seconds(grid, 3)


def _loss_row(net, n_s, n_y, A, B) -> float:
    S, Y = model.with_bias(np.full((256, n_s), 0.3), True), np.zeros((256, n_y))
    return _seconds(lambda: model.dataset_loss(S, Y, A, B, net), 10) / len(S)


def _episode_start() -> float:
    rng, walk = np.random.default_rng(0), td.Walk(states=1)

    def start() -> None:  # TDSession._start_episode on the shortest walk
        replay = np.random.Generator(np.random.PCG64(0))
        replay.bit_generator.state = rng.bit_generator.state
        td.episode_outcome(walk, rng)

    return _seconds(start, 30)


def _move() -> float:
    rng, walk = np.random.default_rng(0), td.Walk(states=999)
    moves = []

    def episode() -> None:
        moves.append(td.episode_outcome(walk, rng)[0])

    seconds = _seconds(episode, 2)
    return seconds / (sum(moves) / len(moves))


@cache
def costs() -> StepCosts:
    """This machine's step costs, measured on first use and kept for the process."""
    return StepCosts(
        untraced=_fit(_untraced),
        traced=_fit(_traced),
        adam=_fit(_adam),
        td_extra=_fit(_td_extra, sizes=((19, 4, 1), (400, 16, 1))),
        control_extra=_fit(_control_extra, sizes=((2, 4, 3), (2, 128, 3))),
        tile_step=_tile_step(),
        tile_grid=_tile_grid(),
        loss_row=_fit(_loss_row),
        episode_start=_episode_start(),
        move=_move(),
    )


# Each kind of session's calls, as measured against their estimates: a kind whose steps do
# more than the timed parts (a walk's bookkeeping, say) is found out by its first long call.
_correction: dict[tuple, float] = {}
OBSERVED_SECONDS = 0.002  # calls shorter than this are too noisy to learn from


def correction(kind: tuple) -> float:
    return _correction.get(kind, 1.0)


def observe(kind: tuple, estimated: float, took: float) -> None:
    """Learns from a call that took `took` seconds of CPU against an estimate (before SAFETY)
    of `estimated`: the correction follows the ratio, faster up than down, within [1, 5]."""
    if took < OBSERVED_SECONDS or estimated <= 0:
        return
    ratio, now = took / estimated, correction(kind)
    weight = 0.5 if ratio > now else 0.1
    _correction[kind] = min(5.0, max(1.0, now + weight * (ratio - now)))


def largest_n(fixed: float, per_step: float, budget: float = CALL_SECONDS) -> int:
    """The most steps whose estimate, fixed + n per_step (times SAFETY), fits the budget; at least 1."""
    room = budget / SAFETY - fixed
    return int(max(1, min(MAX_STEPS, room // per_step if per_step > 0 else MAX_STEPS)))


def expected_episode(walk: td.Walk) -> float:
    """About how many moves an episode from the middle takes: the half-width of the walk
    squared over a move's variance (exact for jump 1)."""
    half = walk.start + 1, walk.states - walk.start
    variance = (walk.jump + 1) * (2 * walk.jump + 1) / 6
    return half[0] * half[1] / variance


def shortest_episode(walk: td.Walk) -> int:
    """The fewest moves an episode from the middle can take: straight to the nearer end."""
    return max(1, math.ceil((walk.start + 1) / walk.jump))
