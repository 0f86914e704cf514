"""The network's settings, its shapes and its initial weights, and the mean loss over D.

Vectors are 1-D rows.  With bias on, a constant 1 is the LAST entry of s and of x,
so the last rows of A and B are the biases; the bias unit of x has no delta_A.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, DEFAULTS, F_A_NAMES, F_B_NAMES
from .losses import DEFAULT as DEFAULT_LOSS
from .losses import LOSS_SCALE, LOSSES
from .sums import product, sum_of_squares

UPDATE_ORDERS = ("backprop", "slides")


@dataclass(frozen=True)
class Net:
    """Everything about the model that is not a weight or a data point."""

    f_A: str = DEFAULTS["f_A"]
    f_B: str = DEFAULTS["f_B"]
    loss: str = DEFAULT_LOSS
    alpha_A: float = 0.1
    alpha_B: float = 0.1
    bias: bool = True
    update_order: str = "backprop"

    def __post_init__(self) -> None:
        if self.f_A not in F_A_NAMES:
            raise ValueError(f"f_A must be one of {F_A_NAMES}")
        if self.f_B not in F_B_NAMES:
            raise ValueError(f"f_B must be one of {F_B_NAMES}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {tuple(LOSSES)}")
        if self.update_order not in UPDATE_ORDERS:
            raise ValueError(f"update_order must be one of {UPDATE_ORDERS}")
        # alpha_A and alpha_B as 0-d arrays made once: a Python float would be
        # converted on every NumPy call of every step.
        step_sizes = np.array(self.alpha_A), np.array(self.alpha_B)
        for a in step_sizes:
            a.flags.writeable = False
        object.__setattr__(self, "step_sizes", step_sizes)


def with_bias(s: np.ndarray, bias: bool) -> np.ndarray:
    """s as the network sees it: a 1 appended last when bias is on (rows of a 2-D s too)."""
    s = np.asarray(s, dtype=np.float64)
    if not bias:
        return s
    ones = np.ones(s.shape[:-1] + (1,))
    return np.concatenate([s, ones], axis=-1)


def init_weights(
    rng: np.random.Generator, n_s: int, n_x: int, n_y: int, net: Net
) -> tuple[np.ndarray, np.ndarray]:
    """Initial A and B drawn from rng.

    Each weight is uniform in [-r, r] with r = sqrt(6 / (fan_in + fan_out)) (Glorot),
    fan_in counting the bias input.  Bias rows start at zero, except under relu,
    whose hidden biases start at 0.1 so that units begin active.  A is drawn first.
    """
    extra = 1 if net.bias else 0
    r_A = np.sqrt(6.0 / (n_s + extra + n_x))
    r_B = np.sqrt(6.0 / (n_x + extra + n_y))
    A = rng.uniform(-r_A, r_A, size=(n_s + extra, n_x))
    B = rng.uniform(-r_B, r_B, size=(n_x + extra, n_y))
    if net.bias:
        A[-1] = 0.1 if net.f_A == "relu" else 0.0
        B[-1] = 0.0
    return A, B


def dataset_loss(S: np.ndarray, Y: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net) -> float:
    """Mean over the samples of D of the per-sample loss L.

    Computed after every call that steps, so it skips the forward pass's bias column:
    the bias unit's 1 times B's last row is that row added to every theta.
    """
    f_A = ACTIVATIONS[net.f_A][0]
    f_B = ACTIVATIONS[net.f_B][0]
    n_x = A.shape[1]
    x = f_A(product(S, A))
    theta = product(x, B[:n_x]) + B[n_x] if net.bias else product(x, B)
    d = f_B(theta, out=theta) - Y
    return LOSS_SCALE[net.loss] * sum_of_squares(d.ravel()) / len(S)
