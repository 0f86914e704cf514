"""TD mode: the random walk, its true values, features, targets, and sessions that learn them."""

from __future__ import annotations

import numpy as np
import pytest

from app import core, td
from app.schemas import ConfigIn
from app.sessions import new_session


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


def session(**config):
    return new_session("test", ConfigIn(**config))


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
    net = core.Net(f_A=f_A, f_B="tanh", bias=bias)
    A, B = core.init_weights(np.random.default_rng(3), walk.n_features, 5, 1, net)
    A[-1] = 0.3  # biases that matter
    expect = [td.v_hat(td.features(walk, i, bias), A, B, net) for i in range(13)]
    assert np.allclose(td.values(walk, A, B, net), expect, atol=1e-14)


# ---------------------------------------------------------------- targets


def _trace_until(sess, predicate, limit=5000):
    for _ in range(limit):
        trace, _ = sess.take_steps(1)
        if predicate(trace):
            return trace
    raise AssertionError("no such step")


@pytest.mark.parametrize("gamma", [1.0, 0.8])
def test_td_target_uses_the_weights_before_the_update_and_no_gradient_flows_through_it(gamma):
    sess = session(environment={"states": 7, "gamma": gamma}, f_A="tanh", alpha_A=0.3, alpha_B=0.3)
    sess.take_steps(40)
    A, B = sess.A.copy(), sess.B.copy()
    trace = _trace_until(sess, lambda t: not t["transition"]["terminal"])
    A0, B0 = trace["A_before"], trace["B_before"]
    tr = trace["transition"]
    v_next = td.v_hat(trace["s_next"], A0, B0, sess.net)
    assert trace["v_next"] == v_next
    assert trace["y"][0] == tr["reward"] + gamma * v_next
    assert trace["s_next"].tolist() == td.features(sess.walk, tr["next_state"], True).tolist()
    # After the update v_hat(S') is another number: the target did not use it.
    assert td.v_hat(trace["s_next"], trace["A"], trace["B"], sess.net) != v_next
    # The step is the core's, with y a constant: exactly the slides' gradient of L(y_hat, y).
    again = core.step(trace["s"], trace["y"], A0, B0, sess.net)
    for name in ("y_hat", "delta_B", "grad_B", "delta_A", "grad_A", "A", "B"):
        assert np.array_equal(again[name], trace[name]), name
    assert not np.array_equal(A, sess.A) or not np.array_equal(B, sess.B)


def test_at_a_terminal_the_target_is_the_reward():
    sess = session(environment={"states": 3}, f_B="tanh")
    trace = _trace_until(sess, lambda t: t["transition"]["terminal"])
    tr = trace["transition"]
    assert tr["next_state"] in (-1, 3) and tr["reward"] == (1.0 if tr["next_state"] == 3 else -1.0)
    assert trace["y"].tolist() == [tr["reward"]] and trace["v_next"] == 0.0
    assert not trace["s_next"].any()  # no state after the end: all zeros
    assert sess.position == sess.walk.start and sess.state()["epoch"] == 1


def test_returns_of_a_hand_made_episode():
    # G_2 = 2;  G_1 = -1 + 0.5 * 2 = 0;  G_0 = 1 + 0.5 * 0 = 1
    assert td.returns(np.array([1.0, -1.0, 2.0]), 0.5).tolist() == [1.0, 0.0, 2.0]
    # On the walk only the last reward is not 0: G_t = gamma^(T-1-t) R_T
    walk_like = td.returns(np.array([0.0, 0.0, 0.0, -1.0]), 0.9)
    assert np.allclose(walk_like, [-0.729, -0.81, -0.9, -1.0])
    assert np.allclose(walk_like, [td.mc_return(t, 4, -1.0, 0.9) for t in range(4)])


def test_mc_steps_replay_a_finished_episode_with_its_returns():
    sess = session(environment={"states": 9, "target": "mc", "gamma": 0.95})
    first, _ = sess.take_steps(1)
    T = first["episode"]["length"]
    assert sess.state()["episode"] == {"t": 1, "length": T, "final_reward": first["episode"]["final_reward"]}
    traces = [first] + [sess.take_steps(1)[0] for _ in range(T - 1)]
    states = [t["transition"]["state"] for t in traces]
    assert states[0] == sess.walk.start
    assert all(t["transition"]["next_state"] == s for t, s in zip(traces, states[1:], strict=False))
    assert [t["transition"]["terminal"] for t in traces] == [False] * (T - 1) + [True]
    rewards = np.array([t["transition"]["reward"] for t in traces])
    assert rewards[-1] == first["episode"]["final_reward"]
    assert np.allclose([t["y"][0] for t in traces], td.returns(rewards, 0.95), rtol=0, atol=1e-15)
    assert sess.state()["episode"] is None and sess.state()["epoch"] == 1


def test_to_episode_end_stops_after_the_last_step_of_an_episode():
    for target in ("td", "mc"):
        sess = session(environment={"states": 5, "target": target})
        trace, losses = sess.take_steps(1000, to_episode_end=True)
        assert trace["transition"]["terminal"] and sess.state()["epoch"] == 1
        assert len(losses) == sess.step < 1000


# ---------------------------------------------------------------- learning


def test_the_td_fixed_point_is_the_true_value_function():
    """With v_hat = v, the TD target's mean from every state is v_hat(S): no update expected."""
    walk = td.Walk(states=7, jump=2, gamma=0.9)
    sess = session(environment={"states": 7, "jump": 2, "gamma": 0.9}, f_A="linear", hidden=1)
    A = np.zeros_like(sess.A)
    A[:7, 0] = sess.v_true  # one-hot rows: v_hat(i) = A[i] B[0] + B[bias]
    B = np.array([[1.0], [0.0]])
    for state in range(7):
        s = td.features(walk, state, True)
        targets, grads = [], []
        for k in range(4):  # one draw inside each move's interval: all four moves
            after, R, terminal = td.transition(walk, state, (k + 0.5) / 4)
            v_next = 0.0 if terminal else td.v_hat(td.features(walk, after, True), A, B, sess.net)
            targets.append(td.td_target(R, terminal, v_next, 0.9))
            grads.append(core.step(s, np.array([targets[-1]]), A, B, sess.net)["grad_A"])
        assert np.mean(targets) == pytest.approx(td.v_hat(s, A, B, sess.net), abs=1e-12)
        assert np.abs(np.mean(grads, axis=0)).max() < 1e-12


def test_linear_network_on_one_hot_features_reaches_the_td_fixed_point():
    sess = session(environment={"states": 5}, f_A="linear", hidden=2, alpha_A=0.01, alpha_B=0.01)
    start = sess.rmsve()
    sess.take_steps(20_000)
    tail = []
    for _ in range(60):  # constant step sizes keep the estimate moving; its average settles
        sess.take_steps(500)
        tail.append(sess.values()["v_hat"])
    assert start > 0.3
    assert td.rmsve(np.mean(tail, axis=0), sess.v_true) < 0.04


def test_td_reduces_the_rms_value_error_on_nineteen_states():
    for seed in (0, 1):
        sess = session(environment={}, hidden=8, alpha_A=0.02, alpha_B=0.02, seed=seed)
        start = sess.rmsve()
        for _ in range(3):
            sess.take_steps(10_000)
        assert sess.rmsve() < 0.5 * start, (seed, start, sess.rmsve())


@pytest.mark.parametrize("env", [{"states": 11}, {"states": 11, "target": "mc", "jump": 2}])
def test_same_seed_same_run_and_steps_in_any_grouping(env):
    a, b, c = (session(environment=env, seed=4) for _ in range(3))
    a.take_steps(300)
    for n in (1, 2, 97, 200):
        b.take_steps(n)
    assert a.step == b.step == 300
    assert np.array_equal(a.A, b.A) and np.array_equal(a.B, b.B)
    assert a.state(weights=False) == b.state(weights=False)
    c.reset(5)
    c.take_steps(300)
    assert not np.array_equal(a.A, c.A)


def test_gradcheck_uses_the_next_transition_and_changes_nothing():
    for env in ({"states": 6}, {"states": 6, "target": "mc"}):
        a, b = session(environment=env, f_A="tanh"), session(environment=env, f_A="tanh")
        a.take_steps(7)
        b.take_steps(7)
        check = a.gradcheck()
        assert check["max_rel_error"] < 1e-6 and check["index"] == a.next_index()
        next_a, _ = a.take_steps(1)
        next_b, _ = b.take_steps(1)
        assert np.array_equal(next_a["A"], next_b["A"]) and np.array_equal(check["y"], next_a["y"])
