"""Mountain Car's model: the car against the contract's equations written again here, the tile
coder against the indices Sutton's tiles3 gives (tests/model/tiles3_expected.json), the
agents' targets recomputed, and the step's delta_B exactly 0 off the action taken."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from app.model import mountain_car as mc
from app.model.backprop import step
from app.model.net import Net, init_weights, with_bias
from app.model.tiles import IndexHashTable, tiles

EXPECTED = json.loads((Path(__file__).parent / "tiles3_expected.json").read_text())


def car(p: float, v: float, a: int) -> tuple[float, float, float, bool]:
    """Sutton & Barto §10.1, step by step as the contract writes it."""
    v_new = v + 0.001 * (a - 1) - 0.0025 * math.cos(3 * p)
    if v_new < -0.07:
        v_new = -0.07
    if v_new > 0.07:
        v_new = 0.07
    p_new = p + v_new
    if p_new < -1.2:
        p_new = -1.2
    if p_new > 0.5:
        p_new = 0.5
    if p_new == -1.2:
        v_new = 0.0
    return p_new, v_new, -1.0, p_new == 0.5


def test_the_car_moves_as_the_equations_say_along_whole_episodes():
    rng = np.random.default_rng(0)
    for episode in range(20):
        p, v = mc.start(rng)
        assert -0.6 <= p < -0.4 and v == 0.0
        for _ in range(2000):
            a = int(rng.integers(3)) if episode % 2 else (2 if v >= 0 else 0)  # random, then energy pumping
            got, want = mc.move(p, v, a), car(p, v, a)
            assert got == want, (p, v, a)
            p, v, _, end = got
            if end:
                break
        if episode % 2 == 0:
            assert end, "pushing with the velocity reaches the goal"


def test_the_left_wall_stops_the_car_and_the_goal_ends_the_episode():
    p, v, r, end = mc.move(-1.19, -0.07, 0)
    assert (p, v, r, end) == (-1.2, 0.0, -1.0, False)
    p, v, r, end = mc.move(0.49, 0.07, 2)
    assert p == 0.5 and end


def test_the_tile_coder_gives_tiles3s_indices_for_the_courses_scaling():
    table = IndexHashTable(4096)
    for (p, v), want in zip(EXPECTED["course"]["points"], EXPECTED["course"]["tiles"], strict=True):
        assert mc.tile_features(table, 8, 8, p, v) == want, (p, v)
    assert table.collisions == 0


def test_a_full_table_hashes_new_tiles_as_tiles3_does():
    table = IndexHashTable(20)
    for case in EXPECTED["small"]:
        assert tiles(table, 4, case["floats"], tuple(case["ints"])) == case["tiles"], case
    assert len(table.names) == 20 and table.collisions > 0


def test_greedy_breaks_ties_at_random_and_epsilon_greedy_explores():
    rng = np.random.default_rng(1)
    q = np.array([1.0, 3.0, 3.0])
    picks = [mc.greedy(q, rng) for _ in range(400)]
    assert set(picks) == {1, 2} and 150 < picks.count(1) < 250
    assert mc.greedy(np.array([0.0, -1.0, 2.0]), rng) == 2
    explored = [mc.epsilon_greedy(np.array([5.0, 0.0, 0.0]), 0.3, rng) for _ in range(3000)]
    assert 0.07 < explored.count(1) / 3000 < 0.13  # explored 0.3 of the time, action 1 a third of those


@pytest.mark.parametrize("epsilon", [0.0, 0.1, 0.5])
def test_each_agents_target(epsilon):
    q_next = np.array([-3.0, -2.5, -2.5])
    for agent, ahead in [
        ("sarsa", q_next[0]),
        ("q_learning", -2.5),
        ("expected_sarsa", sum((epsilon / 3 + (1 - epsilon) / 2 * (a > 0)) * q_next[a] for a in range(3))),
    ]:
        got = mc.target(agent, -1.0, False, q_next, 0, 0.9, epsilon)
        assert got == pytest.approx(-1.0 + 0.9 * ahead, abs=1e-15), agent
        assert mc.target(agent, -1.0, True, q_next, 0, 0.9, epsilon) == -1.0  # the end: R alone
    assert mc.policy(q_next, epsilon).sum() == pytest.approx(1.0)


@pytest.mark.parametrize("action", range(3))
def test_only_the_taken_actions_output_is_corrected(action):
    net = Net(f_A="relu", alpha_A=0.01, alpha_B=0.01)
    A, B = init_weights(np.random.default_rng(2), 2, 16, 3, net)
    s = with_bias(np.array(mc.scaled(-0.5, 0.01)), True)
    y_hat = step(s, np.zeros(3), A, B, net)["y_hat"]
    y = mc.outputs_target(y_hat, action, -1.0 + 0.9 * float(y_hat.max()))
    trace = step(s, y, A, B, net)
    others = [a for a in range(3) if a != action]
    assert (trace["delta_B"][others] == 0.0).all() and trace["delta_B"][action] != 0.0
    assert (trace["grad_B"][:, others] == 0.0).all() and (trace["B"][:, others] == B[:, others]).all()


def test_the_networks_inputs_span_minus_one_to_one():
    assert mc.scaled(-1.2, -0.07) == [-1.0, -1.0] and mc.scaled(0.5, 0.07) == [1.0, 1.0]
