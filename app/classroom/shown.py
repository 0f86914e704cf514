"""What students are shown of the step on show: the trace's entries up to the phase the
projector shows, and, while a question is open, nothing from the phase that computes its
answer on.

A step reaches the students with the entries every phase starts from (the sample, its target,
the weights before the step); each phase the teacher shows then sends the entries it shows
first.  So a student's page never holds a number the projector has not shown, and a question
on δᴮ₁ cannot be answered by reading a message already received.  The phases are the page's
(static/state/phases.js), in the slides' order.
"""

from __future__ import annotations

PHASES = (
    "psi", "x", "theta", "y_hat", "loss", "delta_B", "grad_B", "update_B", "delta_A", "grad_A", "update_A"
)  # fmt: skip
LAST = len(PHASES) - 1
NONE = -1  # before the first phase: the sample and the weights before the step
LOSS = PHASES.index("loss")  # the step's losses reach the chart with this phase

# The trace's entries each phase shows first; those of no phase are shown with the step.
FIRST_SHOWN = {
    "psi": ("psi",),
    "x": ("x",),
    "theta": ("theta",),
    "y_hat": ("y_hat",),
    "loss": ("loss",),
    "delta_B": ("dL_dy_hat", "df_B", "delta_B"),
    "grad_B": ("grad_B",),
    "update_B": ("B",),
    "delta_A": ("df_A", "delta_A"),
    "grad_A": ("grad_A",),
    "update_A": ("A",),
}
# Adam's moments come with the update they make: those of B with B's, those of A with A's.
ADAM_SHOWN = {"update_B": ("t", "m_B", "v_B"), "update_A": ("m_A", "v_A")}
_LATER = {name for names in FIRST_SHOWN.values() for name in names} | {"adam"}

# The phase that shows each quiz target (app/classroom/quiz.py TARGETS).
ASKED_AT = {"y_hat": "y_hat", "delta_B": "delta_B", "B": "update_B", "delta_A": "delta_A", "A": "update_A"}


def phase_index(name: str | None) -> int:
    return PHASES.index(name) if name in PHASES else NONE


def phase_name(index: int) -> str | None:
    return PHASES[index] if index > NONE else None


def cap(quiz: dict | None) -> int:
    """The last phase that may be shown while `quiz` (as students know it) is open."""
    if quiz is None or quiz.get("revealed"):
        return LAST
    return PHASES.index(ASKED_AT[quiz["target"]]) - 1


def entries(trace: dict, after: int, upto: int) -> dict:
    """The trace's entries first shown after phase `after` up to phase `upto`; with `after`
    None, those shown with the step too.

    In control mode (a trace with q_next) y is the target for the action taken and each other
    output's own y_hat: those entries of y are y_hat's, so they come with it (null before)."""
    out = {k: v for k, v in trace.items() if k not in _LATER} if after is None else {}
    control = "q_next" in trace
    if after is None and control:
        taken = trace["transition"]["action"]
        out["y"] = [v if a == taken else None for a, v in enumerate(trace["y"])]
    start = NONE if after is None else after
    for name in PHASES[start + 1 : upto + 1]:
        out |= {k: trace[k] for k in FIRST_SHOWN[name] if k in trace}
        if name == "y_hat" and control:
            out["y"] = trace["y"]
        if "adam" in trace and name in ADAM_SHOWN:
            out.setdefault("adam", {}).update({k: trace["adam"][k] for k in ADAM_SHOWN[name]})
    return out


def on_show(view: dict | None, kind: str, step: int, quiz: dict | None) -> int:
    """The phase students are shown of the last broadcast (a "step" or a "frame", at `step`):
    a frame is shown whole (playing, the projector shows every phase); a step up to the phase
    the teacher last showed of it; either, never past what the open question allows."""
    if kind == "frame":
        shown = LAST
    elif isinstance(view, dict) and view.get("step") == step:
        shown = phase_index(view.get("phase"))
    else:
        shown = NONE
    return min(shown, cap(quiz))


def seen_session(part: dict, trace: dict | None, kind: str | None, phase: int) -> dict:
    """A session's part of a snapshot (config, state, preview) as students may see it while a
    step is shown up to `phase`: the weights before its updates until they are shown, and no
    preview of the next step (made with the updated weights) before the last phase."""
    if kind != "step" or trace is None or phase >= LAST:
        return part
    state = dict(part["state"], A=trace["A_before"])
    if phase < PHASES.index("update_B"):
        state["B"] = trace["B_before"]
    return part | {"state": state, "preview": None}
