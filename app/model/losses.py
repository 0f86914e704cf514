"""The losses: each is L, summed over the outputs k, next to dL/dy_hat.

Both are written in the error d = y_hat - y, which the step computes once for the two.
"""

from __future__ import annotations

import numpy as np


def half_squared(d: np.ndarray) -> float:
    return 0.5 * float(d.dot(d))


def half_squared_prime(d: np.ndarray) -> np.ndarray:
    return d


def squared(d: np.ndarray) -> float:
    return float(d.dot(d))


def squared_prime(d: np.ndarray) -> np.ndarray:
    return 2.0 * d


LOSSES = {
    "half_squared": (half_squared, half_squared_prime),
    "squared": (squared, squared_prime),
}
LOSS_NAMES = tuple(LOSSES)
# L = LOSS_SCALE * |d|^2: run() and dataset_loss() use that form directly.
LOSS_SCALE = {"half_squared": 0.5, "squared": 1.0}
