"""The update rules: SGD, as the slides write it, and Adam, as the course's assignment uses it.

Each rule gives the new weights and the rule's new state side by side.  SGD keeps no state:
the slides' step writes its rule inline, W <- W - alpha grad.
"""

from __future__ import annotations

import numpy as np

from .backprop import step
from .fastforward import OneStep
from .net import Net

OPTIMIZERS = ("sgd", "adam")
ADAM_BETA_1 = 0.9  # decay of m, the running mean of the gradients
ADAM_BETA_2 = 0.999  # decay of v, the running mean of their squares


def adam(
    W: np.ndarray, grad: np.ndarray, alpha, m: np.ndarray, v: np.ndarray, t: int, epsilon: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Adam's update of W: (new W, new m, new v).  t counts the updates, this one included.

        m <- beta_1 m + (1 - beta_1) grad          m_hat = m / (1 - beta_1^t)
        v <- beta_2 v + (1 - beta_2) grad^2        v_hat = v / (1 - beta_2^t)
        W <- W - alpha m_hat / (sqrt(v_hat) + epsilon)

    m and v start at zero, so early on they are biased towards it; dividing by
    1 - beta^t undoes that bias.
    """
    m = ADAM_BETA_1 * m + (1.0 - ADAM_BETA_1) * grad
    v = ADAM_BETA_2 * v + (1.0 - ADAM_BETA_2) * (grad * grad)
    m_hat = m / (1.0 - ADAM_BETA_1**t)
    v_hat = v / (1.0 - ADAM_BETA_2**t)
    return W - alpha * m_hat / (np.sqrt(v_hat) + epsilon), m, v


def adam_in_place(
    W: np.ndarray, G: np.ndarray, alphas: np.ndarray, M: np.ndarray, V: np.ndarray, t: int, epsilon: float,
    T: np.ndarray, U: np.ndarray,
) -> None:  # fmt: skip
    """adam(W, G, alphas, M, V, t, epsilon) written into W, M and V, with T and U (shaped as W)
    for what it works out on the way: each line's operations in adam's order, so the same bits,
    and no array made (control mode's untraced steps, fastcontrol.InPlace)."""
    np.multiply(M, ADAM_BETA_1, out=M)
    np.multiply(G, 1.0 - ADAM_BETA_1, out=T)
    np.add(M, T, out=M)  # m <- beta_1 m + (1 - beta_1) grad
    np.multiply(G, G, out=T)
    np.multiply(T, 1.0 - ADAM_BETA_2, out=T)
    np.multiply(V, ADAM_BETA_2, out=V)
    np.add(V, T, out=V)  # v <- beta_2 v + (1 - beta_2) grad^2
    np.divide(M, 1.0 - ADAM_BETA_1**t, out=T)  # m_hat
    np.multiply(alphas, T, out=T)
    np.divide(V, 1.0 - ADAM_BETA_2**t, out=U)  # v_hat
    np.sqrt(U, out=U)
    np.add(U, epsilon, out=U)
    np.divide(T, U, out=T)
    np.subtract(W, T, out=W)  # W <- W - alpha m_hat / (sqrt(v_hat) + epsilon)


def adam_moments(A: np.ndarray, B: np.ndarray) -> dict:
    """Adam's state before its first update: t = 0 and zero moments shaped like A and B."""
    zero = np.zeros_like
    return {"t": 0, "m_A": zero(A), "v_A": zero(A), "m_B": zero(B), "v_B": zero(B)}


def adam_step(
    s: np.ndarray,
    y,
    A: np.ndarray,
    B: np.ndarray,
    net: Net,
    moments: dict,
    epsilon: float,
    only: int | None = None,
) -> dict:
    """step()'s forward and backward pass, with Adam's update of A and B in place of SGD's.

    The trace's A and B are Adam's; trace["adam"] holds the moments after this
    update, for the next call.  Adam needs every gradient before it updates, so
    the slides' order (B updated before delta_A) does not apply to it.
    """
    if net.update_order != "backprop":
        raise ValueError("Adam updates after the whole backward pass: update_order must be 'backprop'")
    trace = step(s, y, A, B, net, only)
    t = moments["t"] + 1
    alpha_A, alpha_B = net.step_sizes
    A_new, m_A, v_A = adam(A, trace["grad_A"], alpha_A, moments["m_A"], moments["v_A"], t, epsilon)
    B_new, m_B, v_B = adam(B, trace["grad_B"], alpha_B, moments["m_B"], moments["v_B"], t, epsilon)
    trace["A"], trace["B"] = A_new, B_new
    trace["adam"] = {"t": t, "m_A": m_A, "v_A": v_A, "m_B": m_B, "v_B": v_B}
    return trace


def traced_adam(S: np.ndarray, Y: np.ndarray, order: np.ndarray, net: Net, epsilon: float) -> OneStep:
    """run_checked's step for Adam on D: adam_step on sample order[t]."""

    def one_step(t: int, A: np.ndarray, B: np.ndarray, moments: dict | None) -> dict:
        i = int(order[t])
        trace = adam_step(S[i], Y[i], A, B, net, moments, epsilon)
        trace["index"] = i
        return trace

    return one_step
