"""TD sessions: targets from the walk, Monte Carlo episodes, learning; failed steps change nothing."""

from __future__ import annotations

import numpy as np
import pytest

from app import model
from app.model import walk as td
from app.sessions import ConfigIn, new_session


def session(**config):
    return new_session("test", ConfigIn(**config))


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
    again = model.step(trace["s"], trace["y"], A0, B0, sess.net)
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
            grads.append(model.step(s, np.array([targets[-1]]), A, B, sess.net)["grad_A"])
        assert np.mean(targets) == pytest.approx(td.v_hat(s, A, B, sess.net), abs=1e-12)
        assert np.abs(np.mean(grads, axis=0)).max() < 1e-12


def test_linear_network_on_one_hot_features_reaches_the_td_fixed_point():
    sess = session(environment={"states": 5}, f_A="linear", hidden=2, alpha_A=0.01, alpha_B=0.01)
    start = sess.rmsve()
    _train(sess, 20_000)
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
            _train(sess, 10_000)
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


def _train(sess, n: int) -> None:
    """n steps, in as many calls as the session's per-call budget needs."""
    while n > 0:
        taken = min(n, sess.max_steps())
        sess.take_steps(taken)
        n -= taken
