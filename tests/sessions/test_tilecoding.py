"""Control sessions with the course's tile coder: the served run is the model's tile agent (held to
tiles3 and the course's curve in tests/model/test_control.py), step for step; targets and delta_B
from the trace; a trace and a frame carry B's active rows only; documents with the table's names
continue bit for bit; a failed call undoes B's rows written in place; bad settings named."""

from __future__ import annotations

import math

import numpy as np
import orjson
import pytest

from app.api.frames import play_frame
from app.model import control
from app.model.tiles import IndexHashTable
from app.sessions import ConfigIn, new_session
from app.sessions import documents as docs
from app.sessions.errors import Diverged, InputError


def session(**env):
    config = env.pop("config", {})
    return new_session(
        "test", ConfigIn(environment={"name": "mountain_car", "features": "tiles", **env}, **config)
    )


def test_the_served_run_is_the_models_tile_agent_episode_for_episode():
    sess = session(config={"seed": 7})
    rng = np.random.default_rng(7)
    coder = control.TileCoder(IndexHashTable(4096), tilings=8, tiles=8)
    B = np.zeros((4096, 3))
    lengths = []
    for _ in range(4):
        B, n = control.tile_episode(coder, B, rng, agent="sarsa", epsilon=0.0, gamma=1.0, alpha_B=0.5 / 8)
        lengths.append(n)
    while sess.episodes < 4:
        sess.run_steps(5000, to_episode_end=True)
    assert sess.episode_steps == lengths and np.array_equal(sess.B, B)
    assert sess.coder.table.names == coder.table.names


@pytest.mark.parametrize("agent", ["sarsa", "expected_sarsa", "q_learning"])
def test_each_target_comes_from_b_before_the_update_and_only_the_action_taken_is_corrected(agent):
    epsilon, gamma = 0.1, 0.95
    sess = session(agent=agent, epsilon=epsilon, gamma=gamma, config={"seed": 2})
    sess.run_steps(200)
    for _ in range(30):
        B = sess.B.copy()
        trace, _ = sess.take_steps(1)
        t, rows = trace["transition"], trace["tiles"]
        assert np.array_equal(trace["B_rows_before"], B[rows])
        q = B[rows].sum(axis=0)
        assert np.allclose(trace["y_hat"], q, rtol=0, atol=1e-12)
        if t["terminal"]:
            value = -1.0
        else:
            q_next = B[sess.coder.active(*t["next_state"])].sum(axis=0)
            assert np.allclose(trace["q_next"], q_next, rtol=0, atol=1e-12)
            if agent == "sarsa":
                ahead = q_next[t["next_action"]]
            elif agent == "q_learning":
                ahead = q_next.max()
            else:
                best = q_next == q_next.max()
                ahead = float(((epsilon / 3 + (1 - epsilon) * best / best.sum()) * q_next).sum())
            value = -1.0 + gamma * ahead
        a = t["action"]
        assert math.isclose(trace["y"][a], value, rel_tol=0, abs_tol=1e-12)
        others = [b for b in range(3) if b != a]
        assert (trace["delta_B"][others] == 0.0).all()
        expected = B.copy()
        expected[rows, a] -= sess.net.alpha_B * (q[a] - value)
        assert np.allclose(sess.B, expected, rtol=0, atol=1e-12)
        unchanged = np.ones(len(B), bool)
        unchanged[rows] = False
        assert np.array_equal(sess.B[unchanged], B[unchanged])


def test_an_answer_and_a_frame_carry_the_active_rows_of_b_only():
    sess = session()
    trace, losses = sess.take_steps(3)
    shown = sess.shown_trace(trace)
    assert shown["B"].shape == shown["B_before"].shape == (8, 3) and shown["A"].shape == (2, 0)
    frame = orjson.loads(play_frame(sess, trace, losses))
    assert len(frame["trace"]["B"]) == 8 and frame["trace"]["tiles"] == trace["tiles"]
    assert len(play_frame(sess, trace, losses)) < 4000


def test_the_views_grid_does_not_add_tiles_to_the_table():
    sess = session()
    sess.run_steps(50)
    met = dict(sess.coder.table.names)
    q = sess.values()["q_hat"]
    assert sess.coder.table.names == met and q.shape == (1024, 3)
    assert (q <= 0).all() and (q < 0).any()  # B learned down from 0 where the car went, 0 elsewhere
    for n in (1, 700, 3000):  # the table grows between calls: the grid looks up only its new names
        sess.run_steps(n)
        p, v = np.linspace(-1.2, 0.5, 32), np.linspace(-0.07, 0.07, 32)
        direct = [
            np.add.reduce(sess.B[sess.coder.active(a, b, readonly=True)], axis=0, initial=0.0)
            for a in p for b in v
        ]  # fmt: skip
        assert np.array_equal(sess.values()["q_hat"], np.array(direct))


def _through_json(doc):
    return docs.SessionDocument.model_validate_json(orjson.dumps(doc, option=orjson.OPT_SERIALIZE_NUMPY))


def test_an_exported_run_continues_bit_for_bit_with_its_table():
    sess = session(epsilon=0.05, config={"seed": 9})
    sess.run_steps(1500)
    copy = docs.import_document(_through_json(docs.export_document(sess)), "copy")
    a, la = sess.run_steps(2500)
    b, lb = copy.run_steps(2500)
    assert np.array_equal(sess.B, copy.B) and np.array_equal(la, lb)
    assert sess.coder.table.names == copy.coder.table.names
    assert sess.state(weights=False) == copy.state(weights=False)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda car: car["iht"]["names"].append(car["iht"]["names"][0]), "run.car.iht.names"),
        (lambda car: car["iht"]["names"][0].append(1), "run.car.iht.names"),
        (lambda car: car["iht"]["names"][0].__setitem__(0, 99), "run.car.iht.names"),
        (lambda car: car.pop("iht"), "run.car.iht"),
    ],
)
def test_a_bad_table_is_refused_naming_the_field(change, field):
    sess = session()
    sess.run_steps(20)
    doc = orjson.loads(orjson.dumps(docs.export_document(sess), option=orjson.OPT_SERIALIZE_NUMPY))
    change(doc["run"]["car"])
    with pytest.raises(Exception) as caught:
        docs.import_document(docs.SessionDocument.model_validate(doc), "bad")
    assert field in str(caught.value)


def test_a_call_that_diverges_undoes_the_rows_it_wrote():
    sess = session(config={"alpha_B": 10.0})
    with pytest.raises(Diverged):
        for _ in range(2000):
            before = (sess.B.copy(), dict(sess.coder.table.names), sess.car, sess.step)
            sess.take_steps(1)
    B, names, car, step = before
    assert np.array_equal(sess.B, B) and sess.coder.table.names == names
    assert sess.car == car and sess.step == step and sess.diverged


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({"optimizer": "adam"}, "optimizer"),
        ({"f_B": "sigmoid"}, "f_B"),
        ({"bias": True}, "bias"),
        ({"environment": {"name": "mountain_car", "features": "tiles", "replay": 2}}, "environment.replay"),
    ],
)
def test_settings_the_course_coder_does_not_have_are_refused(config, field):
    body = {"environment": {"name": "mountain_car", "features": "tiles"}} | config
    with pytest.raises(InputError) as caught:
        new_session("x", ConfigIn(**body))
    assert caught.value.field == field


def test_the_defaults_are_the_courses():
    sess = session()
    c = sess.config
    assert (c.alpha_B, c.bias, c.optimizer, c.environment.iht_size, c.environment.tilings) == (
        0.0625,
        False,
        "sgd",
        4096,
        8,
    )
    assert sess.A.shape == (2, 0) and sess.B.shape == (4096, 3) and (sess.B == 0).all()
    assert sess.config_out()["n_x"] == 4096
