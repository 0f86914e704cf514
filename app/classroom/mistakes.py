"""Likely mistakes: for a question on an entry of a step, the value each known slip gives,
worked out from the same step's trace, and which of them an answer is.

    no_f_B_prime  δᴮ without f_B′(θ)                 no_f_A_prime  δᴬ without f_A′(ψ)
    sign          y − ŷ instead of ŷ − y             relu_psi      ψ as ReLU's derivative (erratum 1)
    updated_B     δᴬ from the B after its update (erratum 2)
    one_output    δᴬ from the first output's term only, no Σₖ (erratum 3)
    no_alpha      new weight = old − ∇                plus          old + α∇
    gradient      ∇ given for the new weight

A slip in δᴮ or δᴬ carries into the weights it moves (a question on A with the B after its
update is `updated_B`); in a weight, a flipped sign is `plus`.  Adam's step is not α∇, so for
its weights only `plus` (the step added) and `gradient` apply.  Only mistakes whose value
differs from the true one by more than the tolerance of a right answer are listed, each
value once (the first name in the order above keeps it).
"""

from __future__ import annotations

import numpy as np

from ..model.net import Net
from ..model.sums import back
from .quiz import RIGHT_ABSOLUTE, RIGHT_RELATIVE, right

# The words the projector puts after a count ("12 used the B after its update: …") and a student
# reads; names written as the page writes them, _{…} lowered and ^{…} raised.
LABELS = {
    "no_f_B_prime": "left out f_{B}′(θ) in δ^{B}",
    "no_f_A_prime": "left out f_{A}′(ψ) in δ^{A}",
    "sign": "took y − ŷ for ŷ − y: the sign flipped",
    "relu_psi": "took ψ for ReLU's derivative: the slides' last slide (erratum 1)",
    "updated_B": "used the B after its update: the slides' order (erratum 2)",
    "one_output": "used the first output's term only, no sum over k (erratum 3)",
    "no_alpha": "left out α: the old weight − ∇",
    "plus": "added the step: the old weight + α∇",
    "gradient": "gave the gradient ∇ for the new weight",
}
ORDER = tuple(LABELS)
_DELTA_A_SLIPS = ("no_f_B_prime", "no_f_A_prime", "relu_psi", "updated_B", "one_output")


def mistakes(trace: dict, net: Net, optimizer: str, target: str, index: list[int]) -> list[dict]:
    """[{id, label, value}] for a question on trace[target][index] (B and A: after the update)."""
    t = _Trace(trace, net, optimizer)
    at = tuple(index)
    truth = float(np.asarray(trace[target], dtype=float)[at])
    found: dict[str, np.ndarray | float | None] = {}
    if target == "delta_B":
        found = {"no_f_B_prime": t.dL_dy_hat, "sign": -t.delta_B}
    elif target == "delta_A":
        found = t.delta_A_slips() | {"sign": -t.delta_A}
    elif target == "B":
        found = t.weight_slips("B", t.x, {"no_f_B_prime": t.dL_dy_hat})
    elif target == "A":
        found = t.weight_slips("A", t.s, t.delta_A_slips())
    out: list[dict] = []
    for name in ORDER:
        value = found.get(name)
        if value is None:
            continue
        v = float(np.asarray(value)[at])
        if not np.isfinite(v) or right(v, truth) or any(right(v, m["value"]) for m in out):
            continue
        out.append({"id": name, "label": LABELS[name], "value": v})
    return out


def which(answer: float, truth: float, found: list[dict]) -> str | None:
    """The mistake an answer is: None when it is right or none is near it."""
    if right(answer, truth):
        return None
    return next((m["id"] for m in found if right(answer, m["value"])), None)


def mistake_of(answer: float | None, truth: float, found: list[dict]) -> dict | None:
    """{id, label} of the mistake an answer is, for its student alone; None."""
    name = None if answer is None else which(answer, truth, found)
    return None if name is None else {"id": name, "label": LABELS[name]}


def counted(answers: list[float], truth: float, found: list[dict]) -> dict[str, int]:
    """How many answers are each mistake, by id (every listed mistake, 0 when none): `which` for
    every answer at once, as a reveal counts a hall's answers."""
    if not found or not answers:
        return dict.fromkeys((m["id"] for m in found), 0)
    a = np.asarray(answers, dtype=float)[:, None]
    values = np.array([truth] + [m["value"] for m in found])
    near = np.abs(a - values) <= np.maximum(RIGHT_RELATIVE * np.abs(values), RIGHT_ABSOLUTE)
    first = np.where(near.any(axis=1), near.argmax(axis=1), -1)  # 0: right; i > 0: mistake i
    counts = np.bincount(first[first > 0], minlength=len(values))
    return {m["id"]: int(counts[i + 1]) for i, m in enumerate(found)}


class _Trace:
    """The step's parts a mistake is made of, from its trace; those a play frame leaves out are
    made again (its weights before the step, its gradients)."""

    def __init__(self, trace: dict, net: Net, optimizer: str) -> None:
        def get(name: str) -> np.ndarray | None:
            return np.asarray(trace[name], dtype=float) if name in trace else None

        self.net, self.optimizer = net, optimizer
        self.s, self.x, self.psi = get("s"), get("x"), get("psi")
        self.delta_B, self.delta_A = get("delta_B"), get("delta_A")
        self.n_x = self.psi.shape[-1]
        self.dL_dy_hat, self.df_A = get("dL_dy_hat"), get("df_A")  # a step's and a frame's alike
        self.grad = {"B": get("grad_B"), "A": get("grad_A")}
        if self.grad["B"] is None:  # a frame: ∇_B = x^T δᴮ, ∇_A = s^T δᴬ
            self.grad = {"B": np.outer(self.x, self.delta_B), "A": np.outer(self.s, self.delta_A)}
        self.after = {"A": get("A"), "B": get("B")}
        self.before = {"A": get("A_before"), "B": get("B_before")}
        self.alpha = {"A": net.alpha_A, "B": net.alpha_B}

    def weights_before(self, name: str) -> np.ndarray | None:
        if self.before[name] is not None:
            return self.before[name]
        if self.optimizer != "sgd":
            return None  # Adam's step is not α∇: a frame's weights before it cannot be made again
        return self.after[name] + self.alpha[name] * self.grad[name]

    def delta_A_slips(self) -> dict[str, np.ndarray | None]:
        """δᴬ as each slip makes it, from the B the step used (the slides' order: after its update)."""
        n = self.n_x
        B_after = self.after["B"]
        B_used = B_after if self.net.update_order == "slides" else self.weights_before("B")
        if B_used is None:
            return {}
        carried = back(B_used[:n], self.delta_B)  # summed as the step sums it
        return {
            "no_f_B_prime": back(B_used[:n], self.dL_dy_hat) * self.df_A,
            "no_f_A_prime": carried,
            "relu_psi": carried * np.maximum(self.psi, 0.0) if self.net.f_A == "relu" else None,
            "updated_B": back(B_after[:n], self.delta_B) * self.df_A,
            "one_output": B_used[:n, 0] * self.delta_B[0] * self.df_A,
        }

    def weight_slips(self, name: str, inputs: np.ndarray, slipped: dict) -> dict[str, np.ndarray | None]:
        """The new weights as each slip makes them: those of the update itself, and those of a
        slip in the δ that moves them (`slipped`: the δ each makes)."""
        old, grad, alpha = self.weights_before(name), self.grad[name], self.alpha[name]
        if self.optimizer != "sgd":
            return {"plus": None if old is None else 2 * old - self.after[name], "gradient": grad}
        out = {"no_alpha": old - grad, "plus": old + alpha * grad, "gradient": grad}
        for slip, d in slipped.items():
            if d is not None:
                out[slip] = old - alpha * np.outer(inputs, d)
        return out
