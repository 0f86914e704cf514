"""Sessions without HTTP: both kinds are siblings with the same methods, and a failed call changes nothing."""

from __future__ import annotations

import math

import numpy as np
import orjson
import pytest

from app.sessions import ConfigIn, Diverged, InputError, Session, new_session
from app.sessions.documents import export_document

TD = {"environment": {"states": 7}}


def session(**config) -> Session:
    return new_session("test", ConfigIn(**config))


def test_both_kinds_are_sessions_with_no_attribute_of_the_other():
    data, walk = session(dataset="xor", order="shuffle"), session(**TD)
    assert type(data).__mro__[1] is Session and type(walk).__mro__[1] is Session
    data.take_steps(5)
    walk.take_steps(5)
    for name in ("S", "Y", "s_raw", "perm", "perm_epoch"):
        assert hasattr(data, name) and not hasattr(walk, name), name
    for name in ("walk", "position", "episodes", "episode", "v_true"):
        assert hasattr(walk, name) and not hasattr(data, name), name


@pytest.mark.parametrize(
    "config", [{"dataset": "sine"}, {**TD, "f_A": "tanh"}]
)  # tanh: no kink for gradcheck
def test_every_kind_answers_every_call(config):
    s = session(**config)
    s.take_steps(3)
    assert s.state()["step"] == 3 and s.public()["config"]["n_s"] == s.n_s
    assert s.predict([[0.0] * s.n_s])["y_hat"].shape == (1, 1)
    assert s.gradcheck()["max_rel_error"] < 1e-6
    assert s.max_steps() >= 1
    for call in (lambda: s.values(), lambda: s.set_sample(0, [0.0] * s.n_s, [0.0])):
        try:
            call()
        except InputError as e:  # what this kind has not, it says so by name
            assert e.field in ("environment", "index")


def test_initial_weights_of_a_session_follow_the_documented_rule():
    s = session(dataset="xor", hidden=4, seed=9)
    r_A, r_B = math.sqrt(6 / (3 + 4)), math.sqrt(6 / (5 + 1))
    assert s.A.shape == (3, 4) and s.B.shape == (5, 1)
    assert np.abs(s.A[:2]).max() <= r_A and np.abs(s.B[:4]).max() <= r_B
    assert s.A[2].tolist() == [0.1] * 4 and s.B[4].tolist() == [0.0]  # relu's hidden biases start at 0.1


@pytest.mark.parametrize(
    "config",
    [
        {"dataset": "sine", "order": "shuffle", "alpha_A": 10, "alpha_B": 10},
        {"dataset": "sine", "hidden": 8, "alpha_A": 10, "alpha_B": 10, "update_order": "slides"},
        {"environment": {"states": 5}, "f_A": "linear", "alpha_A": 10, "alpha_B": 10},
    ],
)
def test_a_call_that_diverges_changes_nothing_but_the_flag(config):
    s = session(**config)
    for _ in range(1000):
        before = _plain(export_document(s))
        try:
            s.take_steps(7)
        except Diverged as e:
            after = export_document(s)
            assert after["run"]["diverged"] and e.at_step > after["run"]["step"]
            after["run"]["diverged"] = False
            assert _plain(after) == before
            return
    pytest.fail("the run never diverged")


def _plain(doc: dict) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_SERIALIZE_NUMPY)
