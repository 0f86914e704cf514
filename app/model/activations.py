"""The activations f_A and f_B, each a value and its derivative side by side, and next to
them how the page writes it: its label, its TeX, the layers it may serve, the slides' errata.

The derivative takes psi (or theta) and the value already computed from it, so
sigmoid and tanh reuse their output instead of evaluating exp twice.  `out`, when
given, is a buffer to write into: the fast-forward loop steps without allocating,
the slides' step allocates.

TeX is written as templates whose places the page fills in (app/model/vocabulary.py):
{z} the input (psi or theta), {f} the output f(z) (x or y_hat), each a symbol or a
number; {(f)} is f in parentheses when it is a negative number.  A new activation is
one entry here (its functions, its `Activation`, its place in TABLE) plus its test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# A Python float is converted to an array on every NumPy call, which at these
# sizes costs as much as the arithmetic; constants used in every step are 0-d
# arrays made once (read-only, so nothing can change them).
_ZERO = np.zeros(())
_ZERO.flags.writeable = False


@dataclass(frozen=True)
class Erratum:
    """Where the slides' text departs from the code: `text` where the page shows the formula
    (the equations, the derivation), `short` on the line of the slides' algorithm."""

    id: str
    text: str
    short: str


@dataclass(frozen=True)
class Activation:
    """f and f' (the code), and how the page writes them.

    `tex` is f applied to {z}; `rule` is f' in terms of {f} and {z}; `at` is f' with a step's
    numbers in it, and `at_not_positive`, when given, is that form where z <= 0.  A derivative
    whose `rule` has no place is a constant: the page shows its value alone.
    """

    name: str
    f: Callable[..., np.ndarray]
    prime: Callable[..., np.ndarray]
    label: str
    tex: str
    rule: str
    at: str
    at_not_positive: str | None = None
    layers: tuple[str, ...] = ("f_A", "f_B")
    errata: tuple[Erratum, ...] = ()


def relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.maximum(z, _ZERO, out=out)


def relu_prime(z: np.ndarray, fz: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # The slides' last page writes "psi if psi > 0": that is relu itself.
    # Its derivative is 1 where psi > 0 and 0 elsewhere (0 at psi = 0 too), which is
    # the sign of relu(psi) = max(psi, 0): one cheap call instead of a compare and a cast.
    return np.sign(fz, out=out)


RELU = Activation(
    "relu", relu, relu_prime, label="relu",
    tex=r"\max(0, {z})",
    rule=r"\begin{cases}1 & {z} > 0\\ 0 & \text{otherwise}\end{cases}",
    at=r"1 \quad ({z} > 0)",
    at_not_positive=r"0 \quad ({z} \le 0)",
    layers=("f_A",),
    errata=(
        Erratum(
            "relu_psi",
            "The slides’ last slide writes this derivative as “u = ψ if ψ > 0, else 0”. That is ReLU itself; "
            "its derivative is 1 for ψ > 0 and 0 otherwise, which is what is used here.",
            "the slides write ReLU’s derivative as ψ (for ψ > 0); it is 1 for ψ > 0, else 0",
        ),
    ),
)  # fmt: skip


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # exp(-|z|) never overflows, so large |z| neither warns nor returns NaN:
    # 1 / (1 + e) for z >= 0 and e / (1 + e) below.
    e = np.exp(-np.abs(z))
    return np.divide(np.where(z >= 0.0, 1.0, e), 1.0 + e, out=out)


def sigmoid_prime(z: np.ndarray, fz: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.multiply(fz, 1.0 - fz, out=out)


SIGMOID = Activation(
    "sigmoid", sigmoid, sigmoid_prime, label="sigmoid",
    tex=r"\sigma({z})", rule=r"{f}(1-{f})", at=r"{f}\,(1-{f})",
)  # fmt: skip


def tanh(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.tanh(z, out=out)


def tanh_prime(z: np.ndarray, fz: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.subtract(1.0, fz * fz, out=out)


TANH = Activation("tanh", tanh, tanh_prime, label="tanh", tex=r"\tanh({z})", rule=r"1-{f}^2", at=r"1-{(f)}^2")


def linear(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # f(z) = z: z itself, no copy (nothing writes into a value once computed).
    if out is None or out is z:
        return z
    out[...] = z
    return out


def linear_prime(z: np.ndarray, fz: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    if out is None and z.ndim == 1:  # a step's: 1s that nothing writes into, made once per length
        ones = _ONES.get(len(z))
        if ones is None:
            ones = _ONES.setdefault(len(z), np.ones(len(z)))
            ones.flags.writeable = False
        return ones
    out = np.empty_like(z) if out is None else out
    out.fill(1.0)  # four times as fast as np.ones_like at these sizes
    return out


_ONES: dict[int, np.ndarray] = {}


LINEAR = Activation("linear", linear, linear_prime, label="linear", tex="{z}", rule="1", at="1")


TABLE = (RELU, SIGMOID, TANH, LINEAR)
BY_NAME = {a.name: a for a in TABLE}
ACTIVATIONS = {a.name: (a.f, a.prime) for a in TABLE}
# Each layer's default, the slides' network: ReLU hidden units, a linear output.
DEFAULTS = {"f_A": "relu", "f_B": "linear"}


def names_for(layer: str) -> tuple[str, ...]:
    """The activations `layer` may use, in the order the page offers them: its default first,
    then the table's order."""
    names = [a.name for a in TABLE if layer in a.layers]
    return tuple(sorted(names, key=lambda name: name != DEFAULTS[layer]))


F_A_NAMES = names_for("f_A")
F_B_NAMES = names_for("f_B")
