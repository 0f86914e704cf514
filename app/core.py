"""Backprop for the slides' two-layer network, in the slides' names.

    psi = s A          x = f_A(psi)          theta = x B          y_hat = f_B(theta)

    delta_B[k] = dL/dy_hat[k] * f_B'(theta[k])          grad_B[j, k] = delta_B[k] * x[j]
    delta_A[j] = (sum_k B[j, k] delta_B[k]) * f_A'(psi[j])   grad_A[i, j] = delta_A[j] * s[i]
    A <- A - alpha_A grad_A                              B <- B - alpha_B grad_B

Vectors are 1-D rows. With bias on, a constant 1 is the LAST entry of s and of x,
so the last rows of A and B are the biases; the bias unit of x has no delta_A.

This module imports only NumPy: no I/O, no globals that change, no hidden randomness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# ---------------------------------------------------------------- activations
# Each activation is a value and its derivative, side by side.  The derivative
# takes psi (or theta) and the value already computed from it, so sigmoid and
# tanh reuse their output instead of evaluating exp twice.


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def relu_prime(z: np.ndarray, fz: np.ndarray) -> np.ndarray:
    # The slides' last page writes "psi if psi > 0": that is relu itself.
    # Its derivative is 1 where psi > 0 and 0 elsewhere (0 at psi = 0 too).
    return (z > 0.0).astype(np.float64)


def sigmoid(z: np.ndarray) -> np.ndarray:
    # exp(-|z|) never overflows, so large |z| neither warns nor returns NaN.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z: np.ndarray, fz: np.ndarray) -> np.ndarray:
    return fz * (1.0 - fz)


def tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def tanh_prime(z: np.ndarray, fz: np.ndarray) -> np.ndarray:
    return 1.0 - fz * fz


def linear(z: np.ndarray) -> np.ndarray:
    return z.copy()


def linear_prime(z: np.ndarray, fz: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


ACTIVATIONS = {
    "relu": (relu, relu_prime),
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "linear": (linear, linear_prime),
}
F_A_NAMES = ("relu", "sigmoid", "tanh", "linear")
F_B_NAMES = ("linear", "sigmoid", "tanh")

# ---------------------------------------------------------------- losses
# Each loss is L(y_hat, y), summed over the outputs k, next to dL/dy_hat.


def half_squared(y_hat: np.ndarray, y: np.ndarray) -> float:
    d = y_hat - y
    return 0.5 * float(d @ d)


def half_squared_prime(y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
    return y_hat - y


def squared(y_hat: np.ndarray, y: np.ndarray) -> float:
    d = y_hat - y
    return float(d @ d)


def squared_prime(y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
    return 2.0 * (y_hat - y)


LOSSES = {
    "half_squared": (half_squared, half_squared_prime),
    "squared": (squared, squared_prime),
}

UPDATE_ORDERS = ("backprop", "slides")

# Weights beyond this size are treated as divergence.  With inputs bounded by the
# server (|s| <= 1e6, at most a few hundred units) every later forward pass from
# such weights still stays far inside float64, so no answer can hold inf or NaN.
WEIGHT_LIMIT = 1e12


@dataclass(frozen=True)
class Net:
    """Everything about the model that is not a weight or a data point."""

    f_A: str = "relu"
    f_B: str = "linear"
    loss: str = "half_squared"
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


# ---------------------------------------------------------------- shapes


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


# ---------------------------------------------------------------- one step


def forward(s: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net) -> dict:
    """psi = sA, x = f_A(psi) (+ bias 1), theta = xB, y_hat = f_B(theta).  s includes its bias 1."""
    f_A = ACTIVATIONS[net.f_A][0]
    f_B = ACTIVATIONS[net.f_B][0]
    psi = s @ A
    fx = f_A(psi)
    if net.bias:
        x = np.empty(fx.shape[:-1] + (fx.shape[-1] + 1,))
        x[..., :-1] = fx
        x[..., -1] = 1.0
    else:
        x = fx
    theta = x @ B
    y_hat = f_B(theta)
    return {"psi": psi, "x": x, "theta": theta, "y_hat": y_hat}


def step(s: np.ndarray, y: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net) -> dict:
    """One SGD step on one sample: forward, backward, update.

    s includes its bias 1.  A and B are not changed: the trace holds the weights
    before (A_before, B_before) and after (A, B) the step.  Every gradient is made
    fresh here; nothing accumulates between steps.
    """
    f_A, f_A_prime = ACTIVATIONS[net.f_A]
    f_B, f_B_prime = ACTIVATIONS[net.f_B]
    L, L_prime = LOSSES[net.loss]
    n_x = A.shape[1]

    # forward
    psi = s @ A
    fx = f_A(psi)
    x = np.empty(n_x + 1) if net.bias else fx
    if net.bias:
        x[:n_x] = fx
        x[n_x] = 1.0
    theta = x @ B
    y_hat = f_B(theta)
    loss = L(y_hat, y)

    # backward, output layer: delta_B = dL/dy_hat * f_B'(theta); grad_B = x^T delta_B
    dL_dy_hat = L_prime(y_hat, y)
    df_B = f_B_prime(theta, y_hat)
    delta_B = dL_dy_hat * df_B
    grad_B = np.outer(x, delta_B)
    B_new = B - net.alpha_B * grad_B

    # backward, hidden layer: delta_A = (B delta_B) * f_A'(psi); the bias row of B
    # feeds no hidden unit, so only its first n_x rows carry delta_B back.
    # The slides' pseudo-code updates B first and then uses it here.
    B_used = B_new if net.update_order == "slides" else B
    df_A = f_A_prime(psi, fx)
    delta_A = (B_used[:n_x] @ delta_B) * df_A
    grad_A = np.outer(s, delta_A)
    A_new = A - net.alpha_A * grad_A

    return {
        "s": s, "y": y, "psi": psi, "x": x, "theta": theta, "y_hat": y_hat, "loss": loss,
        "dL_dy_hat": dL_dy_hat, "df_B": df_B, "delta_B": delta_B, "grad_B": grad_B,
        "df_A": df_A, "delta_A": delta_A, "grad_A": grad_A,
        "A_before": A, "B_before": B, "A": A_new, "B": B_new,
    }  # fmt: skip


def is_finite_step(trace: dict) -> bool:
    """False when the step produced inf/NaN anywhere or weights past WEIGHT_LIMIT."""
    if not (np.isfinite(trace["loss"]) and np.isfinite(trace["grad_A"]).all()):
        return False
    if not (np.isfinite(trace["grad_B"]).all() and np.isfinite(trace["y_hat"]).all()):
        return False
    return _weights_ok(trace["A"], trace["B"])


def run(
    S: np.ndarray, Y: np.ndarray, order: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict | None]:
    """Step through the samples S[order[0]], S[order[1]], ... building no per-step trace.

    The same arithmetic as step(), bit for bit, done in place on copies of A and B.
    Only the last step is taken with step(), so the page can show its trace.
    Returns the weights after the last good step, the loss of each good step and
    the last good step's trace (None when the very first step diverged): a run that
    diverges stops just before the step that went wrong.
    """
    if len(order) == 0:
        return A, B, np.empty(0), None
    with np.errstate(all="ignore"):
        A_run, B_run, losses = _run_untraced(S, Y, order[:-1], A, B, net)
        healthy = np.isfinite(losses).all() and _weights_ok(A_run, B_run)
        if healthy:
            i = order[-1]
            trace = step(S[i], Y[i], A_run, B_run, net)
            if is_finite_step(trace):
                trace["index"] = int(i)
                return trace["A"], trace["B"], np.append(losses, trace["loss"]), trace
    return _run_checked(S, Y, order, A, B, net)


def _weights_ok(A: np.ndarray, B: np.ndarray) -> bool:
    return bool(np.abs(A).max() <= WEIGHT_LIMIT and np.abs(B).max() <= WEIGHT_LIMIT)


def _run_untraced(S, Y, order, A, B, net: Net):
    """The hot loop: preallocated buffers, in-place updates, no checks, no trace."""
    f_A, f_A_prime = ACTIVATIONS[net.f_A]
    f_B, f_B_prime = ACTIVATIONS[net.f_B]
    L_prime = LOSSES[net.loss][1]
    scale = 0.5 if net.loss == "half_squared" else 1.0
    alpha_A, alpha_B = net.alpha_A, net.alpha_B
    slides = net.update_order == "slides"
    A = A.copy()
    B = B.copy()
    n_x = A.shape[1]
    x = np.ones(n_x + 1) if net.bias else np.empty(n_x)
    psi = np.empty(n_x)
    grad_A = np.empty_like(A)
    grad_B = np.empty_like(B)
    B_hidden = B[:n_x]  # a view: the rows of B that carry delta_B back
    losses = np.empty(len(order))
    for t, i in enumerate(order):
        s, y = S[i], Y[i]
        np.dot(s, A, out=psi)
        fx = f_A(psi)
        x[:n_x] = fx
        theta = x @ B
        y_hat = f_B(theta)
        d = y_hat - y
        losses[t] = scale * (d @ d)
        delta_B = L_prime(y_hat, y) * f_B_prime(theta, y_hat)
        np.multiply.outer(x, delta_B, out=grad_B)
        if slides:
            B -= alpha_B * grad_B
        delta_A = (B_hidden @ delta_B) * f_A_prime(psi, fx)
        if not slides:
            B -= alpha_B * grad_B
        np.multiply.outer(s, delta_A, out=grad_A)
        A -= alpha_A * grad_A
    return A, B, losses


def _run_checked(S, Y, order, A, B, net: Net):
    """The slow path once a run has gone wrong: traced steps up to the first bad one."""
    losses = []
    trace = None
    with np.errstate(all="ignore"):
        for i in order:
            t = step(S[i], Y[i], A, B, net)
            if not is_finite_step(t):
                break
            t["index"] = int(i)
            trace, A, B = t, t["A"], t["B"]
            losses.append(t["loss"])
    return A, B, np.array(losses, dtype=np.float64), trace


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
        return L(forward(s, A_, B_, net)["y_hat"], y)

    grads = []
    for W, is_A in ((A, True), (B, False)):
        G = np.empty_like(W)
        for idx in np.ndindex(W.shape):
            d1 = loss_with(W, idx, h, is_A) - loss_with(W, idx, -h, is_A)
            d2 = loss_with(W, idx, 2 * h, is_A) - loss_with(W, idx, -2 * h, is_A)
            G[idx] = (8 * d1 - d2) / (12 * h)
        grads.append(G)
    return grads[0], grads[1]


def dataset_loss(S: np.ndarray, Y: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net) -> float:
    """Mean over the samples of D of the per-sample loss L."""
    y_hat = forward(S, A, B, net)["y_hat"]
    d = y_hat - Y
    per = (d * d).sum(axis=1)
    return float(per.mean() * (0.5 if net.loss == "half_squared" else 1.0))


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-8) -> float:
    """Largest |a - b| / max(|a|, |b|, floor) over the entries: 0 when a == b."""
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float((np.abs(a - b) / scale).max())
