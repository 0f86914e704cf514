"""Control sessions on Mountain Car: each step's target recomputed from its trace (the end
included), delta_B zero off the action taken, episodes, to_episode_end, failed steps that change
nothing, and a document that continues the run bit for bit (the replay buffer included)."""

from __future__ import annotations

import math

import numpy as np
import orjson
import pytest

from app import model
from app.sessions import ConfigIn, new_session
from app.sessions import documents as docs
from app.sessions.errors import Diverged, InputError


def session(**env):
    config = env.pop("config", {})
    return new_session("test", ConfigIn(environment={"name": "mountain_car", **env}, **config))


def q_hat(sess, p, v, A, B):
    s = np.array([2 * (p + 1.2) / 1.7 - 1, 2 * (v + 0.07) / 0.14 - 1, 1.0])
    return model.forward(s, A, B, sess.net)["y_hat"], s


def expected_target(agent, epsilon, gamma, t, q_next):
    if t["terminal"]:
        return -1.0
    if agent == "sarsa":
        ahead = q_next[t["next_action"]]
    elif agent == "q_learning":
        ahead = max(q_next)
    else:
        best = [a for a in range(3) if q_next[a] == max(q_next)]
        pi = [epsilon / 3 + (1 - epsilon) * (a in best) / len(best) for a in range(3)]
        ahead = sum(p * q for p, q in zip(pi, q_next, strict=True))
    return -1.0 + gamma * ahead


@pytest.mark.parametrize("agent", ["sarsa", "expected_sarsa", "q_learning"])
@pytest.mark.parametrize("replay", [0, 3])
def test_each_target_is_recomputed_from_its_trace_and_only_the_action_taken_is_corrected(agent, replay):
    epsilon, gamma = 0.2, 0.9
    sess = session(agent=agent, epsilon=epsilon, gamma=gamma, replay=replay, buffer=50)
    sess.take_steps(30)
    for _ in range(40):
        trace, _ = sess.take_steps(1)
        t, A0, B0 = trace["transition"], trace["A_before"], trace["B_before"]
        q, s = q_hat(sess, *t["state"], A0, B0)
        assert np.allclose(trace["s"], s, rtol=0, atol=1e-15)
        q_next = [0.0] * 3 if t["terminal"] else q_hat(sess, *t["next_state"], A0, B0)[0].tolist()
        assert np.allclose(trace["q_next"], q_next, rtol=0, atol=1e-12)
        value = expected_target(agent, epsilon, gamma, t, q_next)
        a = t["action"]
        assert math.isclose(trace["y"][a], value, rel_tol=0, abs_tol=1e-12)
        others = [b for b in range(3) if b != a]
        assert (trace["y"][others] == trace["y_hat"][others]).all()
        assert (trace["delta_B"][others] == 0.0).all() and trace["delta_B"][a] != 0.0
        assert (trace["grad_B"][:, others] == 0.0).all()


def test_the_last_step_of_an_episode_has_the_reward_alone_as_its_target():
    sess = session(agent="q_learning")
    sess.take_steps(5)
    sess.car = {"p": 0.49, "v": 0.03, "action": 2, "t": 17}
    episodes = sess.episodes
    trace, _ = sess.take_steps(1)
    t = trace["transition"]
    assert t["terminal"] and t["next_state"][0] == 0.5 and trace["y"][2] == -1.0
    assert (trace["s_next"] == 0.0).all() and (trace["q_next"] == 0.0).all()
    assert sess.car is None and sess.episodes == episodes + 1 and sess.episode_steps[-1] == 18


def test_the_car_moves_by_the_contracts_equations_and_episodes_start_from_the_generator():
    sess = session(config={"seed": 11})
    rng = np.random.default_rng(11)
    model.init_weights(rng, 2, 32, 3, sess.net)  # the weights are drawn first,
    rng.uniform(0.0, 2.0 * math.pi, 32), rng.uniform(-1.0, 1.0, (2, 32))  # then the units spread
    start = rng.uniform(-0.6, -0.4)
    trace, _ = sess.take_steps(1)
    (p, v), a = trace["transition"]["state"], trace["transition"]["action"]
    assert (p, v) == (start, 0.0)
    v2 = min(max(v + 0.001 * (a - 1) - 0.0025 * math.cos(3 * p), -0.07), 0.07)
    assert trace["transition"]["next_state"] == [min(max(p + v2, -1.2), 0.5), v2]


def test_to_episode_end_stops_after_the_step_that_ends_one():
    sess = session(replay=0)
    sess.car = {"p": 0.3, "v": 0.05, "action": 2, "t": 0}
    _, losses = sess.run_steps(500, to_episode_end=True)
    assert sess.car is None and sess.episodes == 1 and len(losses) < 500
    assert sess.episode_steps == [len(losses)]


def test_a_step_that_diverges_changes_nothing_not_even_the_buffer_or_the_car():
    sess = session(replay=2, buffer=20, config={"optimizer": "sgd", "alpha_A": 10.0, "alpha_B": 10.0})
    before = None
    with pytest.raises(Diverged):
        for _ in range(500):
            before = (sess.car, sess.buffer.copy(), sess.rng.bit_generator.state, sess.A.copy(), sess.step)
            sess.take_steps(1)
    car, buffer, rng, A, step = before
    assert sess.car == car and sess.buffer.count == buffer.count and (sess.buffer.rows == buffer.rows).all()
    assert sess.rng.bit_generator.state == rng and (sess.A == A).all() and sess.step == step and sess.diverged


def _through_json(doc):
    return docs.SessionDocument.model_validate_json(orjson.dumps(doc, option=orjson.OPT_SERIALIZE_NUMPY))


@pytest.mark.parametrize("env", [{}, {"agent": "expected_sarsa", "epsilon": 0.1, "replay": 2, "buffer": 64}])
def test_an_exported_run_continues_bit_for_bit(env):
    sess = session(**env, config={"seed": 5})
    sess.run_steps(700)  # past the buffer's size and mid-episode
    copy = docs.import_document(_through_json(docs.export_document(sess)), "copy")
    a, la = sess.run_steps(900)
    b, lb = copy.run_steps(900)
    assert np.array_equal(a["A"], b["A"]) and np.array_equal(a["B"], b["B"]) and np.array_equal(la, lb)
    assert sess.state(weights=False) == copy.state(weights=False)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda run: run["car"]["buffer"]["rows"][0].__setitem__(2, 3.0), "run.car.buffer.rows"),
        (lambda run: run["car"]["buffer"]["rows"].pop(), "run.car.buffer.rows"),
        (lambda run: run["car"].__setitem__("buffer", None), "run.car.buffer"),
        (lambda run: run.pop("car"), "run.car"),
        (lambda run: run["car"]["car"].__setitem__("p", 0.5), "run.car.car.p"),
    ],
)
def test_a_document_that_no_drive_could_make_is_refused_naming_the_field(change, field):
    sess = session(replay=1, buffer=30)
    sess.take_steps(10)
    doc = orjson.loads(orjson.dumps(docs.export_document(sess), option=orjson.OPT_SERIALIZE_NUMPY))
    change(doc["run"])
    with pytest.raises(Exception) as caught:
        docs.import_document(docs.SessionDocument.model_validate(doc), "bad")
    named = isinstance(caught.value, InputError) and caught.value.field == field
    assert named or field in str(caught.value)


def test_the_network_defaults_and_the_values_grid():
    sess = session()
    c = sess.config
    assert (c.hidden, c.f_A, c.optimizer, c.environment.replay) == (32, "relu", "adam", 4)
    assert (sess.B == 0.0).all() and sess.dataset_loss == 0.0
    v = sess.values()
    assert v["q_hat"].shape == (len(v["position"]) * len(v["velocity"]), 3)
    with pytest.raises(InputError) as caught:
        sess.set_sample(0, [0.0], [0.0])
    assert caught.value.field == "index"
