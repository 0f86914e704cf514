"""Control sessions take a call's steps before its last untraced, in place (model/fastcontrol.py,
control.frozen_update): the same bits as steps taken one call each (each call's one transition
traced, its replayed steps in place), its last trace the same as that step's taken alone, and
the same bits as the model's agent traced throughout, replays too; a long call that diverges
changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

from app.model import replay
from app.sessions import ConfigIn, new_session
from app.sessions.errors import Diverged

NETWORKS = [
    ({"replay": 3, "buffer": 50, "target_every": 7}, {"hidden": 8}),  # Adam, Q-learning, a target copy
    ({"agent": "sarsa", "replay": 2, "buffer": 40, "target_every": 0}, {"hidden": 6, "optimizer": "sgd"}),
    ({"agent": "expected_sarsa", "epsilon": 0.2, "replay": 0}, {"hidden": 5, "f_A": "tanh"}),
    ({"replay": 1, "buffer": 30}, {"hidden": 4, "optimizer": "sgd", "update_order": "slides"}),
]


def session(env: dict, config: dict, seed: int = 3):
    return new_session("t", ConfigIn(environment={"name": "mountain_car", **env}, seed=seed, **config))


def everything(sess) -> dict:
    """What a run is: the weights, Adam's moments, the car, the buffer, the target copy, the
    generator, the losses."""
    buffer, target, moments = sess.buffer, sess.target, sess.moments or {}
    return {
        "A": sess.A.tobytes(), "B": sess.B.tobytes(), "step": sess.step, "car": sess.car,
        "episodes": sess.episode_steps, "rng": sess.rng.bit_generator.state,
        "moments": {k: np.asarray(v).tobytes() for k, v in moments.items()},
        "buffer": None if buffer is None else (buffer.count, buffer.rows.tobytes()),
        "target": None if target is None else (target[0].tobytes(), target[1].tobytes()),
        "losses": np.array(sess.history.tolist()).tobytes(), "mean": sess.dataset_loss,
    }  # fmt: skip


def one_by_one(sess, steps: int) -> dict:
    """`steps` calls of one step each; the last one's trace."""
    for _ in range(steps):
        trace, _ = sess.run_steps(1)
    return trace


def same_trace(a: dict, b: dict) -> bool:
    """Every entry of two traces the same, to the bit."""
    if a.keys() != b.keys():
        return False
    return all(
        same_trace(a[k], b[k])
        if isinstance(a[k], dict)
        else np.asarray(a[k]).tobytes() == np.asarray(b[k]).tobytes()
        for k in a
    )


@pytest.mark.parametrize(("env", "config"), NETWORKS)
def test_the_networks_long_calls_are_its_steps_one_by_one(env, config):
    traced, untraced, to_end = session(env, config), session(env, config), session(env, config)
    last = one_by_one(traced, 900)
    for n in (1, 2, 337, 560):  # mid-episode, across an episode's end
        shown, _ = untraced.run_steps(n)
    while to_end.step < 900:
        to_end.run_steps(min(211, 900 - to_end.step), to_episode_end=True)
    assert everything(untraced) == everything(traced) == everything(to_end)
    assert same_trace(shown, last)  # A_before and B_before too: not the arrays written in place


@pytest.mark.parametrize(("env", "config"), NETWORKS)
def test_a_served_run_is_the_models_agent_traced_throughout(env, config):
    sess = session(env, config, seed=8)
    while sess.episodes < 2:
        sess.run_steps(5000, to_episode_end=True)
    fresh = session(env, config, seed=8)  # the same draws of the initial weights
    A, B, moments, lengths = replay.episodes(
        fresh.agent, fresh.A, fresh.B, fresh.moments, fresh.rng, fresh.buffer, 2
    )
    assert sess.episode_steps == lengths
    assert np.array_equal(sess.A, A) and np.array_equal(sess.B, B)
    assert (moments is None) == (sess.moments is None)
    assert moments is None or all(
        np.array_equal(sess.moments[k], moments[k]) for k in ("m_A", "v_A", "m_B", "v_B")
    )


def test_the_tile_coders_long_calls_are_its_steps_one_by_one():
    env = {"features": "tiles", "agent": "expected_sarsa", "epsilon": 0.1}
    traced, untraced = session(env, {}), session(env, {})
    last = one_by_one(traced, 1500)
    for n in (3, 700, 797):
        shown, _ = untraced.run_steps(n)
    assert everything(untraced) == everything(traced)
    assert same_trace(shown, last)
    assert untraced.coder.table.names == traced.coder.table.names


@pytest.mark.parametrize(
    ("env", "config"),
    [
        ({"replay": 2, "buffer": 20}, {"optimizer": "sgd", "alpha_A": 10.0, "alpha_B": 10.0}),
        ({"features": "tiles"}, {"alpha_B": 10.0}),
    ],
)
def test_a_long_call_that_diverges_changes_nothing(env, config):
    sess = session(env, config)
    before = everything(sess)
    with pytest.raises(Diverged):
        sess.run_steps(5000)
    assert everything(sess) == before and sess.diverged
