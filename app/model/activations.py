"""The activations f_A and f_B, each a value and its derivative side by side.

The derivative takes psi (or theta) and the value already computed from it, so
sigmoid and tanh reuse their output instead of evaluating exp twice.  `out`, when
given, is a buffer to write into: the fast-forward loop steps without allocating,
the slides' step allocates.
"""

from __future__ import annotations

import numpy as np

# A Python float is converted to an array on every NumPy call, which at these
# sizes costs as much as the arithmetic; constants used in every step are 0-d
# arrays made once (read-only, so nothing can change them).
_ZERO = np.zeros(())
_ZERO.flags.writeable = False


def relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.maximum(z, _ZERO, out=out)


def relu_prime(z: np.ndarray, fz: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # The slides' last page writes "psi if psi > 0": that is relu itself.
    # Its derivative is 1 where psi > 0 and 0 elsewhere (0 at psi = 0 too), which is
    # the sign of relu(psi) = max(psi, 0): one cheap call instead of a compare and a cast.
    return np.sign(fz, out=out)


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # exp(-|z|) never overflows, so large |z| neither warns nor returns NaN:
    # 1 / (1 + e) for z >= 0 and e / (1 + e) below.
    e = np.exp(-np.abs(z))
    return np.divide(np.where(z >= 0.0, 1.0, e), 1.0 + e, out=out)


def sigmoid_prime(z: np.ndarray, fz: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.multiply(fz, 1.0 - fz, out=out)


def tanh(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.tanh(z, out=out)


def tanh_prime(z: np.ndarray, fz: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.subtract(1.0, fz * fz, out=out)


def linear(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # f(z) = z: z itself, no copy (nothing writes into a value once computed).
    if out is None or out is z:
        return z
    out[...] = z
    return out


def linear_prime(z: np.ndarray, fz: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    out = np.empty_like(z) if out is None else out
    out.fill(1.0)  # four times as fast as np.ones_like at these sizes
    return out


ACTIVATIONS = {
    "relu": (relu, relu_prime),
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "linear": (linear, linear_prime),
}
# Which activation each layer may use, in the order the page offers them.
F_A_NAMES = ("relu", "sigmoid", "tanh", "linear")
F_B_NAMES = ("linear", "sigmoid", "tanh")
