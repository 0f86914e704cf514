"""Gradients by finite differences, independent of backprop, and how far two gradients differ."""

from __future__ import annotations

import numpy as np

from app.model.backprop import forward
from app.model.losses import LOSSES
from app.model.net import Net


def numerical_gradients(
    s: np.ndarray, y: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net, h: float = 1e-3
) -> tuple[np.ndarray, np.ndarray]:
    """dL/dA and dL/dB by central differences, one weight at a time, independent of backprop.

    The fourth-order central stencil  (8[L(w+h) - L(w-h)] - [L(w+2h) - L(w-2h)]) / 12h
    has error O(h^4) instead of O(h^2), so with h = 1e-3 both its truncation and its
    rounding error stay near 1e-12, where the plain (L(w+h) - L(w-h)) / 2h needs a tiny h
    and loses digits to rounding.
    """
    L = LOSSES[net.loss][0]

    def loss_with(W: np.ndarray, idx: tuple, dw: float, is_A: bool) -> float:
        W = W.copy()
        W[idx] += dw
        A_, B_ = (W, B) if is_A else (A, W)
        return L(forward(s, A_, B_, net)["y_hat"] - y)

    grads = []
    for W, is_A in ((A, True), (B, False)):
        G = np.empty_like(W)
        for idx in np.ndindex(W.shape):
            d1 = loss_with(W, idx, h, is_A) - loss_with(W, idx, -h, is_A)
            d2 = loss_with(W, idx, 2 * h, is_A) - loss_with(W, idx, -2 * h, is_A)
            G[idx] = (8 * d1 - d2) / (12 * h)
        grads.append(G)
    return grads[0], grads[1]


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-8) -> float:
    """Largest |a - b| / max(|a|, |b|, floor) over the entries: 0 when a == b."""
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float((np.abs(a - b) / scale).max())
