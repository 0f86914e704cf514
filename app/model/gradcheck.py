"""Gradients by finite differences, independent of backprop, and how far two gradients differ."""

from __future__ import annotations

import numpy as np

from .backprop import forward
from .losses import LOSSES
from .net import Net


def numerical_gradients(
    s: np.ndarray, y: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net, h: float = 1e-3
) -> tuple[np.ndarray, np.ndarray]:
    """dL/dA and dL/dB by central differences, one weight at a time, independent of backprop.

    The fourth-order central stencil  (8[L(w+h) - L(w-h)] - [L(w+2h) - L(w-2h)]) / 12h
    has error O(h^4) instead of O(h^2), so with h = 1e-3 both its truncation and its
    rounding error stay near 1e-12, where the plain (L(w+h) - L(w-h)) / 2h needs a tiny h
    and loses digits to rounding.
    """
    grads = []
    for name, W in (("A", A), ("B", B)):
        G = np.empty_like(W)
        for idx in np.ndindex(W.shape):
            G[idx] = numerical_gradient(s, y, A, B, net, name, idx, h)
        grads.append(G)
    return grads[0], grads[1]


def numerical_gradient(
    s: np.ndarray,
    y: np.ndarray,
    A: np.ndarray,
    B: np.ndarray,
    net: Net,
    matrix: str,
    idx: tuple,
    h: float = 1e-3,
) -> float:
    """dL/dW[idx] for one weight of A or B (`matrix`), by the stencil above."""
    L = LOSSES[net.loss][0]

    def loss_with(dw: float) -> float:
        W = (A if matrix == "A" else B).copy()
        W[idx] += dw
        A_, B_ = (W, B) if matrix == "A" else (A, W)
        return L(forward(s, A_, B_, net)["y_hat"] - y)

    d1 = loss_with(h) - loss_with(-h)
    d2 = loss_with(2 * h) - loss_with(-2 * h)
    return (8 * d1 - d2) / (12 * h)


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-8) -> float:
    """Largest |a - b| / max(|a|, |b|, floor) over the entries: 0 when a == b."""
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float((np.abs(a - b) / scale).max())
