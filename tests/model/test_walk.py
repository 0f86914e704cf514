"""TD mode's random walk: its true values, moves, features, v_hat and returns."""

from __future__ import annotations

import numpy as np
import pytest

from app import model
from app.model import walk as td


def simulated_values(states: int, jump: int, gamma: float, episodes: int, seed: int) -> np.ndarray:
    """Monte Carlo estimates of v, written independently of app.td: many walkers per state at once."""
    rng = np.random.default_rng(seed)
    start = np.repeat(np.arange(states), episodes)
    pos, G, discount = start.copy(), np.zeros(len(start)), np.ones(len(start))
    alive = np.ones(len(start), dtype=bool)
    steps = np.concatenate([np.arange(-jump, 0), np.arange(1, jump + 1)])
    while alive.any():
        idx = np.flatnonzero(alive)
        pos[idx] += rng.choice(steps, size=len(idx))
        left, right = pos[idx] < 0, pos[idx] >= states
        G[idx[left]] = -discount[idx[left]]
        G[idx[right]] = discount[idx[right]]
        alive[idx[left | right]] = False
        discount[idx] *= gamma
    return G.reshape(states, episodes).mean(axis=1)


# ---------------------------------------------------------------- the walk


def test_nineteen_states_have_the_textbook_values():
    v = td.true_values(td.Walk())
    assert np.allclose(v, np.arange(-9, 10) / 10, atol=1e-15)


@pytest.mark.parametrize("states", [1, 2, 5, 19, 1000])
@pytest.mark.parametrize("gamma", [1.0, 0.999999, 0.9, 0.5, 1e-6])
def test_closed_form_and_dp_agree(states, gamma):
    assert np.allclose(td.closed_form_values(states, gamma), td.dp_values(states, 1, gamma), atol=1e-12)


@pytest.mark.parametrize("jump,gamma", [(1, 1.0), (3, 1.0), (2, 0.9)])
def test_true_values_match_a_simulation(jump, gamma):
    v = td.true_values(td.Walk(states=19, jump=jump, gamma=gamma))
    estimate = simulated_values(19, jump, gamma, episodes=3000, seed=jump)
    # A return is within [-1, 1], so 3000 episodes leave a standard error of at most 0.018.
    assert np.abs(estimate - v).max() < 0.08


def test_gamma_zero_values_are_the_expected_next_reward():
    v = td.true_values(td.Walk(states=6, jump=2, gamma=0.0))
    assert np.allclose(v, [-0.5, -0.25, 0, 0, 0.25, 0.5])


def test_moves_are_uniform_over_both_sides_and_agree_elementwise():
    jump = 3
    u = np.linspace(0.0, 1.0 - 2**-53, 6001)
    m = td.moves(u, jump)
    assert [td.move(x, jump) for x in u] == m.tolist()
    values, counts = np.unique(m, return_counts=True)
    assert values.tolist() == [-3, -2, -1, 1, 2, 3]
    assert counts.max() - counts.min() <= 1


def test_transitions_past_either_end_terminate_with_their_reward():
    walk = td.Walk(states=5, jump=2)
    assert td.transition(walk, 0, 0.0) == (-1, -1.0, True)  # move -2 from state 0
    assert td.transition(walk, 4, 0.99) == (5, 1.0, True)  # move +2 from state 4
    assert td.transition(walk, 2, 0.5) == (3, 0.0, False)  # move +1
    assert walk.start == 2 and td.Walk(states=19).start == 9 and td.Walk(states=1000).start == 499


# ---------------------------------------------------------------- features


def test_one_hot_features_with_the_bias_last():
    walk = td.Walk(states=5)
    assert td.features(walk, 3, True).tolist() == [0, 0, 0, 1, 0, 1]
    assert td.features(walk, 0, False).tolist() == [1, 0, 0, 0, 0]
    assert walk.n_features == 5


def test_aggregation_puts_neighbouring_states_into_groups():
    walk = td.Walk(states=10, features="aggregate", groups=4)
    groups = td.feature_index(walk)
    assert groups.tolist() == [0, 0, 0, 1, 1, 2, 2, 2, 3, 3]
    assert walk.n_features == 4
    for state in range(10):
        s = td.features(walk, state, True)
        assert s.sum() == 2 and s[groups[state]] == 1 and s[-1] == 1


@pytest.mark.parametrize("features", ["one_hot", "aggregate"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("f_A", ["relu", "tanh"])
def test_values_of_every_state_equal_the_forward_pass(features, bias, f_A):
    walk = td.Walk(states=13, features=features, groups=4)
    net = model.Net(f_A=f_A, f_B="tanh", bias=bias)
    A, B = model.init_weights(np.random.default_rng(3), walk.n_features, 5, 1, net)
    A[-1] = 0.3  # biases that matter
    expect = [td.v_hat(td.features(walk, i, bias), A, B, net) for i in range(13)]
    assert np.allclose(td.values(walk, A, B, net), expect, atol=1e-14)


# ---------------------------------------------------------------- returns


def test_returns_of_a_hand_made_episode():
    # G_2 = 2;  G_1 = -1 + 0.5 * 2 = 0;  G_0 = 1 + 0.5 * 0 = 1
    assert td.returns(np.array([1.0, -1.0, 2.0]), 0.5).tolist() == [1.0, 0.0, 2.0]
    # On the walk only the last reward is not 0: G_t = gamma^(T-1-t) R_T
    walk_like = td.returns(np.array([0.0, 0.0, 0.0, -1.0]), 0.9)
    assert np.allclose(walk_like, [-0.729, -0.81, -0.9, -1.0])
    assert np.allclose(walk_like, [td.mc_return(t, 4, -1.0, 0.9) for t in range(4)])
