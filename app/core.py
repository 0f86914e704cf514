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

# A Python float is converted to an array on every NumPy call, which at these
# sizes costs as much as the arithmetic; constants used in every step are 0-d
# arrays made once (read-only, so nothing can change them).
_ZERO = np.zeros(())
_ZERO.flags.writeable = False

# ---------------------------------------------------------------- activations
# Each activation is a value and its derivative, side by side.  The derivative
# takes psi (or theta) and the value already computed from it, so sigmoid and
# tanh reuse their output instead of evaluating exp twice.  `out`, when given,
# is a buffer to write into: run() steps without allocating, step() allocates.


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
F_A_NAMES = ("relu", "sigmoid", "tanh", "linear")
F_B_NAMES = ("linear", "sigmoid", "tanh")

# ---------------------------------------------------------------- losses
# Each loss is L, summed over the outputs k, next to dL/dy_hat; both are written
# in the error d = y_hat - y, which step() computes once for the two.


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
# L = LOSS_SCALE * |d|^2: run() and dataset_loss() use that form directly.
LOSS_SCALE = {"half_squared": 0.5, "squared": 1.0}

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
        # alpha_A and alpha_B as 0-d arrays, for step() (see _ZERO)
        step_sizes = np.array(self.alpha_A), np.array(self.alpha_B)
        for a in step_sizes:
            a.flags.writeable = False
        object.__setattr__(self, "step_sizes", step_sizes)


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


def outer(u: np.ndarray, v: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """u^T v for row vectors u and v, as the slides write grad_B = x^T delta_B.

    A (n, 1) by (1, m) matrix product: at these sizes one BLAS call is about twice
    as fast as np.outer, and step() and run() both use it, so they agree bit for bit.
    (The .dot method skips np.dot's dispatch, a third of a call's cost here.)
    """
    return u[:, None].dot(v[None, :], out)


def step(s: np.ndarray, y: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net) -> dict:
    """One SGD step on one sample: forward, backward, update.

    s includes its bias 1.  A and B are not changed: the trace holds the weights
    before (A_before, B_before) and after (A, B) the step.  Every gradient is made
    fresh here; nothing accumulates between steps.
    """
    f_A, f_A_prime = ACTIVATIONS[net.f_A]
    f_B, f_B_prime = ACTIVATIONS[net.f_B]
    L, L_prime = LOSSES[net.loss]
    alpha_A, alpha_B = net.step_sizes
    n_x = A.shape[1]

    # forward
    psi = s.dot(A)
    x = np.empty(n_x + net.bias)
    fx = f_A(psi, out=x[:n_x])  # written straight into x, whose last entry is the bias 1
    if net.bias:
        x[n_x] = 1.0
    theta = x.dot(B)
    y_hat = f_B(theta)
    d = y_hat - y
    loss = L(d)

    # backward, output layer: delta_B = dL/dy_hat * f_B'(theta); grad_B = x^T delta_B
    dL_dy_hat = L_prime(d)
    df_B = f_B_prime(theta, y_hat)
    delta_B = dL_dy_hat * df_B
    grad_B = outer(x, delta_B)
    B_new = B - alpha_B * grad_B

    # backward, hidden layer: delta_A = (B delta_B) * f_A'(psi); the bias row of B
    # feeds no hidden unit, so only its first n_x rows carry delta_B back.
    # The slides' pseudo-code updates B first and then uses it here.
    B_used = B_new if net.update_order == "slides" else B
    df_A = f_A_prime(psi, fx)
    delta_A = B_used[:n_x].dot(delta_B) * df_A
    grad_A = outer(s, delta_A)
    A_new = A - alpha_A * grad_A

    return {
        "s": s, "y": y, "psi": psi, "x": x, "theta": theta, "y_hat": y_hat, "loss": loss,
        "dL_dy_hat": dL_dy_hat, "df_B": df_B, "delta_B": delta_B, "grad_B": grad_B,
        "df_A": df_A, "delta_A": delta_A, "grad_A": grad_A,
        "A_before": A, "B_before": B, "A": A_new, "B": B_new,
    }  # fmt: skip


# ---------------------------------------------------------------- optimizers
# Each update rule gives the new weights and the rule's new state side by side.
# step() writes SGD's rule inline, as the slides do; `sgd` is the same rule by name.

OPTIMIZERS = ("sgd", "adam")
ADAM_BETA_1 = 0.9  # decay of m, the running mean of the gradients
ADAM_BETA_2 = 0.999  # decay of v, the running mean of their squares


def sgd(W: np.ndarray, grad: np.ndarray, alpha) -> np.ndarray:
    """W <- W - alpha grad.  SGD keeps no state between steps."""
    return W - alpha * grad


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


def adam_moments(A: np.ndarray, B: np.ndarray) -> dict:
    """Adam's state before its first update: t = 0 and zero moments shaped like A and B."""
    zero = np.zeros_like
    return {"t": 0, "m_A": zero(A), "v_A": zero(A), "m_B": zero(B), "v_B": zero(B)}


def adam_step(
    s: np.ndarray, y: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net, moments: dict, epsilon: float
) -> dict:
    """step()'s forward and backward pass, with Adam's update of A and B in place of SGD's.

    The trace's A and B are Adam's; trace["adam"] holds the moments after this
    update, for the next call.  Adam needs every gradient before it updates, so
    the slides' order (B updated before delta_A) does not apply to it.
    """
    if net.update_order != "backprop":
        raise ValueError("Adam updates after the whole backward pass: update_order must be 'backprop'")
    trace = step(s, y, A, B, net)
    t = moments["t"] + 1
    alpha_A, alpha_B = net.step_sizes
    A_new, m_A, v_A = adam(A, trace["grad_A"], alpha_A, moments["m_A"], moments["v_A"], t, epsilon)
    B_new, m_B, v_B = adam(B, trace["grad_B"], alpha_B, moments["m_B"], moments["v_B"], t, epsilon)
    trace["A"], trace["B"] = A_new, B_new
    trace["adam"] = {"t": t, "m_A": m_A, "v_A": v_A, "m_B": m_B, "v_B": v_B}
    return trace


def adam_step_ok(trace: dict) -> bool:
    """is_finite_step, and moments that stay finite (a huge finite gradient can overflow v)."""
    a = trace["adam"]
    return is_finite_step(trace) and abs(a["v_A"]).max() < np.inf and abs(a["v_B"]).max() < np.inf


def run_adam(
    S: np.ndarray,
    Y: np.ndarray,
    order: np.ndarray,
    A: np.ndarray,
    B: np.ndarray,
    net: Net,
    moments: dict,
    epsilon: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict | None, dict]:
    """run() with Adam: one traced step per sample, up to the first step that goes wrong.

    Returns run()'s four results and the moments after the last good step.
    """
    losses = []
    trace = None
    with np.errstate(all="ignore"):
        for i in order:
            t = adam_step(S[i], Y[i], A, B, net, moments, epsilon)
            if not adam_step_ok(t):
                break
            t["index"] = int(i)
            trace, A, B, moments = t, t["A"], t["B"], t["adam"]
            losses.append(t["loss"])
    return A, B, np.array(losses, dtype=np.float64), trace, moments


def is_finite_step(trace: dict) -> bool:
    """False when the step produced inf/NaN anywhere or weights past WEIGHT_LIMIT.

    A finite loss means a finite y_hat, and a non-finite gradient always makes the
    updated weights non-finite (even times alpha = 0, which gives NaN), so the loss
    and the new weights are all there is to look at.
    """
    return abs(trace["loss"]) < np.inf and _weights_ok(trace["A"], trace["B"])  # NaN < inf is False


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
        losses = np.empty(0)
        if len(order) > 1:
            A_run, B_run, losses = _run_untraced(S, Y, order[:-1], A, B, net)
            healthy = np.isfinite(losses).all() and _weights_ok(A_run, B_run)
        else:
            A_run, B_run, healthy = A, B, True
        if healthy:
            i = int(order[-1])
            trace = step(S[i], Y[i], A_run, B_run, net)
            if is_finite_step(trace):
                trace["index"] = i
                losses = np.append(losses, trace["loss"]) if len(losses) else np.array([trace["loss"]])
                return trace["A"], trace["B"], losses, trace
    return _run_checked(S, Y, order, A, B, net)


def _weights_ok(A: np.ndarray, B: np.ndarray) -> bool:
    # NaN compares False, so NaN weights are not ok either.
    return bool(np.abs(A).max() <= WEIGHT_LIMIT and np.abs(B).max() <= WEIGHT_LIMIT)


def _run_untraced(S, Y, order, A, B, net: Net):
    """The hot loop: step()'s arithmetic, call for call, into buffers made once.

    At these sizes a step costs the number of NumPy calls, not the flops, so
    every call writes into a preallocated buffer (`out`) and calls that change
    nothing are left out: y_hat = theta under a linear f_B, and
    delta_B = y_hat - y when f_B is linear and the loss is half_squared (step()
    multiplies by exactly 1.0 there).  A and B are views of one flat W, and
    grad_A, grad_B of one flat G, so in the backprop order one multiply by the
    step sizes and one subtraction update both layers.
    """
    f_A, f_A_prime = ACTIVATIONS[net.f_A]
    f_B, f_B_prime = ACTIVATIONS[net.f_B]
    slides = net.update_order == "slides"
    linear_B = net.f_B == "linear"
    n_x, n_y, n_A = A.shape[1], B.shape[1], A.size

    W = np.concatenate([A.ravel(), B.ravel()])
    A, B = W[:n_A].reshape(A.shape), W[n_A:].reshape(B.shape)
    G = np.empty_like(W)
    grad_A, grad_B = G[:n_A].reshape(A.shape), G[n_A:].reshape(B.shape)
    alphas = np.concatenate([np.full(n_A, net.alpha_A), np.full(B.size, net.alpha_B)])
    alpha_A, alpha_B = alphas[:n_A].reshape(A.shape), alphas[n_A:].reshape(B.shape)
    B_hidden = B[:n_x]  # the rows of B that carry delta_B back

    x = np.ones(n_x + 1) if net.bias else np.empty(n_x)  # the bias 1 is written once
    fx, psi, df_A, delta_A = x[:n_x], np.empty(n_x), np.empty(n_x), np.empty(n_x)
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
    rows = [(s, s[:, None], y) for s, y in zip(S, Y, strict=True)]
    losses = np.empty(len(order))

    for t, i in enumerate(order.tolist()):
        s, s_col, y = rows[i]
        # forward
        s.dot(A, psi)
        f_A(psi, out=fx)
        x.dot(B, theta)
        if not linear_B:
            f_B(theta, out=y_hat)
        np.subtract(y_hat, y, d)
        losses[t] = d.dot(d)
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
        B_hidden.dot(delta_B, delta_A)
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


def dataset_loss(S: np.ndarray, Y: np.ndarray, A: np.ndarray, B: np.ndarray, net: Net) -> float:
    """Mean over the samples of D of the per-sample loss L.

    Computed after every call that steps, so it skips forward()'s bias column:
    the bias unit's 1 times B's last row is that row added to every theta.
    """
    f_A = ACTIVATIONS[net.f_A][0]
    f_B = ACTIVATIONS[net.f_B][0]
    n_x = A.shape[1]
    x = f_A(S.dot(A))
    theta = x.dot(B[:n_x]) + B[n_x] if net.bias else x.dot(B)
    d = f_B(theta, out=theta) - Y
    return LOSS_SCALE[net.loss] * float(np.vdot(d, d)) / len(S)


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = 1e-8) -> float:
    """Largest |a - b| / max(|a|, |b|, floor) over the entries: 0 when a == b."""
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float((np.abs(a - b) / scale).max())
