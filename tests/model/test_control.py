"""The tile-coding agent: the slides' step with A frozen against a recomputation, one transition
of an episode worked again by hand, and learning as the course's assignment does (8 tilings of
8 x 8 tiles, a 4,096-entry table, epsilon 0, gamma 1, alpha 0.5 / 8, 50 episodes, 10 seeds)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from app.model import control
from app.model import mountain_car as mc
from app.model.backprop import outer
from app.model.sums import product
from app.model.tiles import IndexHashTable


@pytest.mark.parametrize("action", range(3))
def test_the_frozen_step_corrects_the_action_taken_only(action):
    rng = np.random.default_rng(action)
    coder = control.TileCoder(IndexHashTable(4096))
    active = coder.active(-0.5, 0.01)
    B = rng.normal(size=(4096, 3))
    trace = control.frozen_step(active, action, -3.0, B, 0.0625)
    x = coder.x(-0.5, 0.01)
    q = sum(B[i] for i in np.flatnonzero(x))
    assert np.allclose(trace["y_hat"], q, rtol=0, atol=1e-12)
    error = trace["y_hat"][action] + 3.0
    others = [a for a in range(3) if a != action]
    assert (trace["delta_B"][others] == 0.0).all() and trace["delta_B"][action] == error
    expected = B.copy()
    expected[np.flatnonzero(x), action] -= 0.0625 * error
    assert np.array_equal(trace["B"], expected) and trace["B_before"] is B
    assert trace["loss"] == 0.5 * error * error


def test_the_sparse_step_is_the_dense_one_bit_for_bit():
    """Over x's active rows alone, in sums.product's order, against the whole x B and x^T delta."""
    rng = np.random.default_rng(3)
    coder = control.TileCoder(IndexHashTable(512))
    B = rng.normal(size=(512, 3)) * 10.0 ** rng.integers(-8, 8, size=(512, 3))
    B[rng.random(B.shape) < 0.2] = 0.0
    B[rng.random(B.shape) < 0.1] = -0.0
    for _ in range(300):
        p, v = rng.uniform(-1.2, 0.5), rng.uniform(-0.07, 0.07)
        active, x = coder.active(p, v), coder.x(p, v)
        theta = product(x, B)
        assert np.array_equal(control.q_hat(B, active), theta)
        assert np.signbit(control.q_hat(B, active)).tolist() == np.signbit(theta).tolist()
        action, value = int(rng.integers(3)), float(rng.normal() * 100)
        y = theta.copy()
        y[action] = value
        dense = B - 0.0625 * outer(x, theta - y)
        after = control.frozen_step(active, action, value, B, 0.0625)["B"]
        assert np.array_equal(after, dense) and np.signbit(after).tolist() == np.signbit(dense).tolist()
        B = after


def test_a_transition_uses_the_weights_before_its_update():
    coder = control.TileCoder(IndexHashTable(4096))
    B = np.random.default_rng(9).normal(size=(4096, 3))
    rng = np.random.default_rng(4)
    mine, table = copy.deepcopy(rng), copy.deepcopy(coder.table)
    after, steps = control.tile_episode(coder, B, rng, agent="q_learning", gamma=0.9, max_steps=1)
    assert steps == 1
    # by hand: the start, the greedy action, the move, the target from the old B, the step
    p, v = mc.start(mine)
    by_hand = control.TileCoder(table)
    x = by_hand.x(p, v)
    a = mc.greedy(x @ B, mine)
    p2, v2, reward, _ = mc.move(p, v, a)
    q_next = by_hand.x(p2, v2) @ B
    value = reward + 0.9 * q_next.max()
    B_new = B.copy()
    B_new[np.flatnonzero(x), a] -= 0.0625 * ((x @ B)[a] - value)
    assert np.allclose(after, B_new, rtol=0, atol=1e-12)


def test_the_tile_coder_learns_as_the_courses_assignment_does():
    curves = []
    for seed in range(10):
        rng = np.random.default_rng(seed)
        coder = control.TileCoder(IndexHashTable(4096), tilings=8, tiles=8)
        B = np.zeros((4096, 3))
        steps = []
        for _ in range(50):
            B, n = control.tile_episode(coder, B, rng, agent="sarsa", epsilon=0.0, gamma=1.0, alpha_B=0.5 / 8)
            steps.append(n)
        assert coder.table.collisions == 0
        curves.append(steps)
    mean = np.mean(curves, axis=0)
    # the optimistic zeros explore the hill first: long early episodes, then about 160 steps
    assert mean[0] > 800
    assert mean[:5].mean() > mean[10:20].mean() > mean[40:].mean()
    assert 120 < mean[40:].mean() < 220, mean[40:]
