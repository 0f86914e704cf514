"""Many steps in one call: the checked loop every kind of step shares, and SGD's fast path.

A run stops just before the first step that goes wrong (a non-finite number, or a
weight beyond WEIGHT_LIMIT), so a caller can keep the good steps or undo them all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .activations import ACTIVATIONS
from .backprop import step
from .losses import LOSS_SCALE
from .net import Net

WEIGHT_LIMIT = 1e12  # a weight beyond this is divergence: later forward passes stay finite


class Steps(NamedTuple):
    """What a run did: the weights after its last good step, each good step's loss,
    the last good step's trace (None when the first step went wrong), Adam's moments
    after it (None under SGD), and whether it stopped at a step that went wrong."""

    A: np.ndarray
    B: np.ndarray
    losses: np.ndarray
    trace: dict | None
    moments: dict | None
    failed: bool


def is_finite_step(trace: dict) -> bool:
    """False when the step produced inf/NaN anywhere or weights past WEIGHT_LIMIT.

    A finite loss means a finite y_hat, and a non-finite gradient always makes the
    updated weights non-finite (even times alpha = 0, which gives NaN), so the loss
    and the new weights are all there is to look at; under Adam, its squared-gradient
    moments too (a huge finite gradient can overflow them).
    """
    # A step that says which rows of B it wrote (the tile coder's) is checked at those alone.
    ok = abs(trace["loss"]) < np.inf and weights_ok(trace["A"], trace.get("B_rows", trace["B"]))
    a = trace.get("adam")
    return ok and (a is None or bool(abs(a["v_A"]).max() < np.inf and abs(a["v_B"]).max() < np.inf))


def weights_ok(A: np.ndarray, B: np.ndarray) -> bool:
    # NaN compares False, so NaN weights are not ok either.  An A of no weights (a tile coder's,
    # whose first layer is not learned) is ok.  A few entries (the rows a tile coder's step
    # wrote) are quicker to compare in Python than with two NumPy calls.
    if B.size <= 16 and A.size == 0:
        return all(abs(b) <= WEIGHT_LIMIT for b in B.ravel().tolist())
    return bool((A.size == 0 or np.abs(A).max() <= WEIGHT_LIMIT) and np.abs(B).max() <= WEIGHT_LIMIT)


OneStep = Callable[[int, np.ndarray, np.ndarray, "dict | None"], dict]


def run_checked(
    n: int,
    one_step: OneStep,
    A: np.ndarray,
    B: np.ndarray,
    moments: dict | None = None,
    last: Callable[[dict], bool] | None = None,
) -> Steps:
    """Up to n traced steps, the t-th being one_step(t, A, B, moments) -> its trace.

    Stops before the first step that goes wrong, or after a step for which last(trace)
    is true.  SGD, Adam and TD all step through this loop; only SGD on a data set
    also has the untraced fast path below.
    """
    losses = np.empty(n)
    trace = None
    taken = 0
    with np.errstate(all="ignore"):
        while taken < n:
            t = one_step(taken, A, B, moments)
            if not is_finite_step(t):
                return Steps(A, B, losses[:taken], trace, moments, True)
            trace, A, B, moments = t, t["A"], t["B"], t.get("adam")
            losses[taken] = t["loss"]
            taken += 1
            if last is not None and last(t):
                break
    return Steps(A, B, losses[:taken], trace, moments, False)


def run(S: np.ndarray, Y: np.ndarray, order: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net) -> Steps:
    """SGD through the samples S[order[0]], S[order[1]], ... building no per-step trace.

    The same arithmetic as step(), bit for bit, done in place on copies of A and B.
    Only the last step is taken with step(), so the page can show its trace.  When
    the run goes wrong it is taken again through run_checked, to stop just before
    the step that went wrong.
    """
    if len(order) == 0:
        return Steps(A, B, np.empty(0), None, None, False)
    with np.errstate(all="ignore"):
        losses = np.empty(0)
        if len(order) > 1:
            A_run, B_run, losses = _run_untraced(S, Y, order[:-1], A, B, net)
            healthy = np.isfinite(losses).all() and weights_ok(A_run, B_run)
        else:
            A_run, B_run, healthy = A, B, True
        if healthy:
            i = int(order[-1])
            trace = step(S[i], Y[i], A_run, B_run, net)
            if is_finite_step(trace):
                trace["index"] = i
                losses = np.append(losses, trace["loss"]) if len(losses) else np.array([trace["loss"]])
                return Steps(trace["A"], trace["B"], losses, trace, None, False)
    return run_checked(len(order), traced_sgd(S, Y, order, net), A, B)


def traced_sgd(S: np.ndarray, Y: np.ndarray, order: np.ndarray, net: Net) -> OneStep:
    """run_checked's step for SGD on D: the slides' step on sample order[t]."""

    def one_step(t: int, A: np.ndarray, B: np.ndarray, moments: dict | None) -> dict:
        i = int(order[t])
        trace = step(S[i], Y[i], A, B, net)
        trace["index"] = i
        return trace

    return one_step


class FlatLayers:
    """A and B as views of one flat array W, grad_A and grad_B of G, and each layer's step size
    spread over W's entries: in the backprop order one multiply and one subtraction update both
    layers.  x holds f_A(psi) in its first n_x entries and, with a bias, the 1 written once."""

    def __init__(self, A: np.ndarray, B: np.ndarray, net: Net) -> None:
        self.n_A, self.shapes = A.size, (A.shape, B.shape)
        self.W = np.concatenate([A.ravel(), B.ravel()])
        self.G = np.empty_like(self.W)
        self.A, self.B = self.views(self.W)
        self.grad_A, self.grad_B = self.views(self.G)
        alpha_A, alpha_B = net.step_sizes
        self.alphas = np.concatenate([np.full(A.size, alpha_A), np.full(B.size, alpha_B)])
        n_x = A.shape[1]
        self.x = np.ones(n_x + 1) if net.bias else np.empty(n_x)
        self.fx = self.x[:n_x]

    def views(self, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """flat's first n_A entries shaped as A, the rest as B."""
        shape_A, shape_B = self.shapes
        return flat[: self.n_A].reshape(shape_A), flat[self.n_A :].reshape(shape_B)


def _run_untraced(S, Y, order, A, B, net: Net):
    """The hot loop: step()'s arithmetic, call for call, into buffers made once.

    At these sizes a step costs the number of NumPy calls, not the flops, so
    every call writes into a preallocated buffer (`out`) and calls that change
    nothing are left out: y_hat = theta under a linear f_B, and
    delta_B = y_hat - y when f_B is linear and the loss is half_squared (step()
    multiplies by exactly 1.0 there).  The layers are FlatLayers.
    """
    f_A, f_A_prime = ACTIVATIONS[net.f_A]
    f_B, f_B_prime = ACTIVATIONS[net.f_B]
    slides = net.update_order == "slides"
    linear_B = net.f_B == "linear"
    n_x, n_y = A.shape[1], B.shape[1]

    flat = FlatLayers(A, B, net)
    W, G, A, B, grad_A, grad_B, alphas = flat.W, flat.G, flat.A, flat.B, flat.grad_A, flat.grad_B, flat.alphas
    alpha_A, alpha_B = flat.views(alphas)
    B_hidden = B[:n_x]  # the rows of B that carry delta_B back

    x, fx = flat.x, flat.fx
    psi, df_A, delta_A = np.empty(n_x), np.empty(n_x), np.empty(n_x)
    theta, y_hat, d = np.empty(n_y), np.empty(n_y), np.empty(n_y)
    dL_dy_hat, df_B, delta_B = np.empty(n_y), np.empty(n_y), np.empty(n_y)
    if linear_B:
        y_hat = theta
    if net.loss == "half_squared":
        dL_dy_hat = d
        if linear_B:
            delta_B = d
    # outer(u, v) is u[:, None].dot(v[None, :]): its views, made once
    x_col, delta_A_row, delta_B_row = x[:, None], delta_A[None, :], delta_B[None, :]
    # sums.product(u, M) and sums.back(M, v) are matmuls of reversed views: those views, made once
    rows = [(s[::-1], s[:, None], y) for s, y in zip(S, Y, strict=True)]
    A_rev, x_rev, B_rev, d_rev = A[::-1], x[::-1], B[::-1], d[::-1]
    B_hidden_rev, delta_B_rev = B_hidden[:, ::-1], delta_B[::-1]
    losses = np.empty(len(order))

    for t, i in enumerate(order.tolist()):
        s_rev, s_col, y = rows[i]
        # forward
        np.matmul(s_rev, A_rev, out=psi)
        f_A(psi, out=fx)
        np.matmul(x_rev, B_rev, out=theta)
        if not linear_B:
            f_B(theta, out=y_hat)
        np.subtract(y_hat, y, d)
        losses[t] = np.matmul(d_rev, d_rev)
        # backward, output layer
        if dL_dy_hat is not d:
            np.multiply(2.0, d, dL_dy_hat)
        if delta_B is not d:
            f_B_prime(theta, y_hat, out=df_B)
            np.multiply(dL_dy_hat, df_B, delta_B)
        x_col.dot(delta_B_row, grad_B)
        if slides:
            np.multiply(alpha_B, grad_B, grad_B)
            np.subtract(B, grad_B, B)
        # backward, hidden layer
        np.matmul(B_hidden_rev, delta_B_rev, out=delta_A)
        f_A_prime(psi, fx, out=df_A)
        np.multiply(delta_A, df_A, delta_A)
        s_col.dot(delta_A_row, grad_A)
        # update
        if slides:
            np.multiply(alpha_A, grad_A, grad_A)
            np.subtract(A, grad_A, A)
        else:
            np.multiply(alphas, G, G)
            np.subtract(W, G, W)
    losses *= LOSS_SCALE[net.loss]
    return A, B, losses
