"""The losses: each is L, summed over the outputs k, next to dL/dy_hat, and next to them
how the page writes it: its label and its TeX.

Both are written in the error d = y_hat - y, which the step computes once for the two.
TeX templates (app/model/vocabulary.py) name their places {y_hat} and {y}, the output's
y_hat_k and y_k, each a symbol or a number; {(y)} is y in parentheses when it is negative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import Erratum
from .sums import sum_of_squares


@dataclass(frozen=True)
class Loss:
    """L and dL/dy_hat (the code), L = `scale` |d|^2, and how the page writes them: `tex` is one
    output's term of L, `rule` its derivative dL/dy_hat_k."""

    name: str
    f: Callable[[np.ndarray], float]
    prime: Callable[[np.ndarray], np.ndarray]
    scale: float
    label: str
    tex: str
    rule: str
    errata: tuple[Erratum, ...] = ()


def half_squared(d: np.ndarray) -> float:
    return 0.5 * sum_of_squares(d)


def half_squared_prime(d: np.ndarray) -> np.ndarray:
    return d


HALF_SQUARED = Loss(
    "half_squared", half_squared, half_squared_prime, scale=0.5, label="½ Σ (ŷ − y)²",
    tex=r"\tfrac{1}{2}({y_hat} - {(y)})^2", rule="({y_hat} - {(y)})",
)  # fmt: skip


def squared(d: np.ndarray) -> float:
    return sum_of_squares(d)


def squared_prime(d: np.ndarray) -> np.ndarray:
    return 2.0 * d


SQUARED = Loss(
    "squared", squared, squared_prime, scale=1.0, label="Σ (ŷ − y)²",
    tex="({y_hat} - {(y)})^2", rule="2({y_hat} - {(y)})",
)  # fmt: skip


TABLE = (HALF_SQUARED, SQUARED)  # the first is the default, the slides' loss
BY_NAME = {loss.name: loss for loss in TABLE}
LOSSES = {loss.name: (loss.f, loss.prime) for loss in TABLE}
LOSS_NAMES = tuple(LOSSES)
DEFAULT = TABLE[0].name
# L = LOSS_SCALE * |d|^2: run() and dataset_loss() use that form directly.
LOSS_SCALE = {loss.name: loss.scale for loss in TABLE}
