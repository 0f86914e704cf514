"""The model's own source for one step, read from the module that runs, with the
lines that compute each phase of the page found by what they assign.

PHASE_TARGETS is the server's list of the page's phases, in the slides' order; the
page's own list (static/state/phases.js) is checked against it by a browser test."""

from __future__ import annotations

import inspect
import re
from functools import lru_cache

from ..model import backprop

# For each phase of the page, the names whose assignment computes it.
PHASE_TARGETS = {
    "psi": ["psi"],
    "x": ["fx", "x", r"x\[:n_x\]", r"x\[n_x\]"],
    "theta": ["theta"],
    "y_hat": ["y_hat"],
    "loss": ["loss"],
    "delta_B": ["dL_dy_hat", "df_B", "delta_B"],
    "grad_B": ["grad_B"],
    "update_B": ["B_new"],
    "delta_A": ["B_used", "df_A", "delta_A"],
    "grad_A": ["grad_A"],
    "update_A": ["A_new"],
}


@lru_cache
def step_source() -> dict:
    """{file, function, first_line, lines, phases: {phase: [line index, ...]}}.

    Raises LookupError when a phase has no line, so that a change to the model that
    the page would show wrongly fails the tests instead of drifting silently.
    """
    lines, first = inspect.getsourcelines(backprop.step)
    lines = [line.rstrip("\n") for line in lines]
    phases = {}
    for phase, targets in PHASE_TARGETS.items():
        pattern = re.compile(r"^\s*(" + "|".join(targets) + r")\s*=[^=]")
        phases[phase] = [i for i, line in enumerate(lines) if pattern.match(line)]
        if not phases[phase]:
            raise LookupError(f"no line of the model's step computes {phase}")
    return {
        "file": backprop.__name__.replace(".", "/") + ".py",
        "function": "step",
        "first_line": first,
        "lines": lines,
        "phases": phases,
    }
