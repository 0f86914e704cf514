"""Control mode learns, served as a page would drive it: the network's defaults over three seeds
(issue's bound: episodes 91-100 at most 500 steps on average), their units spread across the
state square, and the same network without replay forgets (README, "Why replay")."""

from __future__ import annotations

from statistics import mean

import numpy as np

from app.sessions import ConfigIn, new_session


def drive(episodes: int, seed: int, **env) -> list[int]:
    """The steps of each of a session's first `episodes` episodes."""
    sess = new_session("learn", ConfigIn(environment={"name": "mountain_car", **env}, seed=seed))
    while sess.episodes < episodes:
        sess.run_steps(20_000, to_episode_end=True)
    return sess.episode_steps[:episodes]


def test_the_networks_defaults_learn_over_three_seeds():
    late = [mean(drive(100, seed)[90:100]) for seed in (0, 1, 2)]
    assert mean(late) <= 500, late


def test_the_default_units_bend_across_the_whole_state_square():
    A = new_session("units", ConfigIn(environment={"name": "mountain_car"}, seed=4)).A
    corners = np.array([[x, y, 1.0] for x in (-1.0, 1.0) for y in (-1.0, 1.0)])
    psi = corners @ A
    assert (psi.min(axis=0) < 0).all() and (psi.max(axis=0) > 0).all()  # each unit bends inside
    assert np.allclose(np.hypot(A[0], A[1]), 2.0)  # steeply
    on_at_centre = (A[2] > 0).mean()  # the units differ: not all on at the centre, as Glorot's are
    assert 0.2 < on_at_centre < 0.8, on_at_centre


def test_without_replay_the_same_network_forgets_what_it_learnt():
    steps = drive(20, 0, replay=0)
    assert min(steps[:5]) < 400, steps  # it solves the first episodes quickly ...
    assert mean(steps[15:20]) > 10_000, steps  # ... and then runs into the 15,000-step cut
