"""A walk's true values: our banded elimination against LAPACK's solve, and made off the event
loop for a walk no session has used yet (a long walk with long moves takes a while)."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from app.model import walk as td
from app.sessions import ConfigIn
from app.sessions.kinds import made
from tests.conftest import run_in_own_loop


def bellman(states: int, jump: int, gamma: float) -> tuple[np.ndarray, np.ndarray]:
    """I - gamma P and r for the walk, built again here from the moves' definition."""
    P = np.zeros((states, states))
    r = np.zeros(states)
    for i in range(states):
        for move in [*range(-jump, 0), *range(1, jump + 1)]:
            j = i + move
            if j < 0:
                r[i] -= 1.0 / (2 * jump)
            elif j >= states:
                r[i] += 1.0 / (2 * jump)
            else:
                P[i, j] += 1.0 / (2 * jump)
    return np.eye(states) - gamma * P, r


WALKS = [(1, 1, 1.0), (2, 2, 1.0), (19, 3, 1.0), (19, 1, 0.0), (300, 300, 1.0), (500, 50, 0.9)]


@pytest.mark.parametrize("states,jump,gamma", WALKS)
def test_the_banded_elimination_solves_the_bellman_equations(states, jump, gamma):
    M, r = bellman(states, jump, gamma)
    v = td.dp_values(states, jump, gamma)
    assert np.allclose(v, np.linalg.solve(M, r), rtol=0, atol=1e-12)
    assert np.abs(M @ v - r).max() < 1e-12


def test_a_new_long_walk_is_worked_out_while_the_event_loop_goes_on():
    config = ConfigIn(environment={"states": 1000, "jump": 1000, "gamma": 0.987}, hidden=2)

    async def scenario() -> tuple[int, object]:
        making = asyncio.create_task(made("t", config))
        turns = 0
        while not making.done():
            await asyncio.sleep(0)
            turns += 1
        return turns, making.result()

    turns, session = run_in_own_loop(scenario())
    # made in the event loop, it would have let nothing else run until it was done
    assert turns > 10
    assert np.array_equal(session.v_true, td.dp_values(1000, 1000, 0.987))
