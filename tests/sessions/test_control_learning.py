"""Control mode learns, served as a page would drive it: the same network without replay forgets
(README, "Why replay")."""

from __future__ import annotations

from statistics import mean

from app.sessions import ConfigIn, new_session


def drive(episodes: int, seed: int, **env) -> list[int]:
    """The steps of each of a session's first `episodes` episodes."""
    sess = new_session("learn", ConfigIn(environment={"name": "mountain_car", **env}, seed=seed))
    while sess.episodes < episodes:
        sess.run_steps(20_000, to_episode_end=True)
    return sess.episode_steps


def test_without_replay_the_same_network_forgets_what_it_learnt():
    steps = drive(60, 0, replay=0)
    assert min(steps[:5]) < 400, steps  # it solves the first episodes quickly ...
    assert mean(steps[50:60]) > 3000, steps  # ... and then the episodes grow long again
