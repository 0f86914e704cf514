"""The slides' step: backprop for their two-layer network, in their names.

    forward    psi = s A          x = f_A(psi)          theta = x B          y_hat = f_B(theta)
    backward   delta_B[k] = dL/dy_hat[k] * f_B'(theta[k])          grad_B[j, k] = delta_B[k] * x[j]
               delta_A[j] = (sum_k B[j, k] delta_B[k]) * f_A'(psi[j])   grad_A[i, j] = delta_A[j] * s[i]
    update     A <- A - alpha_A grad_A                              B <- B - alpha_B grad_B

Vectors are 1-D rows. With bias on, a constant 1 is the LAST entry of s and of x,
so the last rows of A and B are the biases; the bias unit of x has no delta_A.
The fast paths (app/model/fastforward.py, optimizers.py) are held to step() bit for bit.
Every sum is made by app/model/sums.py, never by a BLAS product: the same bits on every CPU.
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS
from .losses import LOSSES
from .net import Net
from .sums import back, product


def forward(s: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net) -> dict:
    """psi = sA, x = f_A(psi) (+ bias 1), theta = xB, y_hat = f_B(theta).  s includes its bias 1.

    s may be one row or many (the rows of D, or of a predict call)."""
    f_A = ACTIVATIONS[net.f_A][0]
    f_B = ACTIVATIONS[net.f_B][0]
    psi = product(s, A)
    fx = f_A(psi)
    if net.bias:
        x = np.empty(fx.shape[:-1] + (fx.shape[-1] + 1,))
        x[..., :-1] = fx
        x[..., -1] = 1.0
    else:
        x = fx
    theta = product(x, B)
    y_hat = f_B(theta)
    return {"psi": psi, "x": x, "theta": theta, "y_hat": y_hat}


def outer(u: np.ndarray, v: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """u^T v for row vectors u and v, as the slides write grad_B = x^T delta_B.

    A (n, 1) by (1, m) matrix product: at these sizes one BLAS call is about twice
    as fast as np.outer, and step() and the fast-forward loop both use it, so they
    agree bit for bit.  (The .dot method skips np.dot's dispatch, a third of a call's
    cost here.)  Each entry is one product, u[i] v[j], rounded once whatever the kernel:
    there is no sum whose order could differ.
    """
    return u[:, None].dot(v[None, :], out)


def step(s: np.ndarray, y, A: np.ndarray, B: np.ndarray, net: Net, only: int | None = None) -> dict:
    """One SGD step on one sample: forward, backward, update.

    s includes its bias 1.  A and B are not changed: the trace holds the weights
    before (A_before, B_before) and after (A, B) the step.  Every gradient is made
    fresh here; nothing accumulates between steps.  With `only` (control mode), y is
    the target of output `only` alone, and every other output's y is its own y_hat:
    their errors, so their delta_B, are exactly 0.
    """
    f_A, f_A_prime = ACTIVATIONS[net.f_A]
    f_B, f_B_prime = ACTIVATIONS[net.f_B]
    L, L_prime = LOSSES[net.loss]
    alpha_A, alpha_B = net.step_sizes
    n_x = A.shape[1]

    # forward
    psi = product(s, A)
    x = np.empty(n_x + net.bias)
    fx = f_A(psi, out=x[:n_x])  # written straight into x, whose last entry is the bias 1
    if net.bias:
        x[n_x] = 1.0
    theta = product(x, B)
    y_hat = f_B(theta)
    if only is not None:
        target, y = y, y_hat.copy()
        y[only] = target
    d = y_hat - y
    loss = L(d)

    # backward, output layer: delta_B = dL/dy_hat * f_B'(theta); grad_B = x^T delta_B
    dL_dy_hat = L_prime(d)
    df_B = f_B_prime(theta, y_hat)
    delta_B = dL_dy_hat if net.f_B == "linear" else dL_dy_hat * df_B  # times f_B' = 1: itself
    grad_B = outer(x, delta_B)

    # backward, hidden layer: delta_A = (B delta_B) * f_A'(psi); the bias row of B
    # feeds no hidden unit, so only its first n_x rows carry delta_B back.
    # The slides' pseudo-code updates B before this line and then reads the new B.
    B_used = B - alpha_B * grad_B if net.update_order == "slides" else B
    df_A = f_A_prime(psi, fx)
    delta_A = back(B_used, delta_B, n_x) * df_A
    grad_A = outer(s, delta_A)

    # update
    B_new = B - alpha_B * grad_B
    A_new = A - alpha_A * grad_A

    return {
        "s": s, "y": y, "psi": psi, "x": x, "theta": theta, "y_hat": y_hat, "loss": loss,
        "dL_dy_hat": dL_dy_hat, "df_B": df_B, "delta_B": delta_B, "grad_B": grad_B,
        "df_A": df_A, "delta_A": delta_A, "grad_A": grad_A,
        "A_before": A, "B_before": B, "A": A_new, "B": B_new,
    }  # fmt: skip
