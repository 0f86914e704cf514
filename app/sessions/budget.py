"""What one call may cost: the steps a session may take at once, by the cost of its kind of step.

The work of a call is counted in untraced SGD steps on a data set, times the weights
they update; other kinds of step count as several of those.
"""

from __future__ import annotations

from app.limits import MAX_CALL_WORK

# An Adam step is a traced step plus its update of the moments: it has no untraced
# loop, so it costs about four untraced SGD steps.
ADAM_STEP_COST = 4
# A TD step is a traced step plus v_hat(S') and the features: about eight.
TD_STEP_COST = 8


def step_cost(optimizer: str, td: bool) -> int:
    """A step of this kind against an untraced SGD step on a data set."""
    return (ADAM_STEP_COST if optimizer == "adam" else 1) * (TD_STEP_COST if td else 1)


def max_steps(n_weights: int, cost: int) -> int:
    """The most steps one call may take on a network of n_weights weights."""
    return max(1, MAX_CALL_WORK // (n_weights * cost))
