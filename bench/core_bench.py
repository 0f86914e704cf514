"""(a) one step with its trace and (b) fast-forward, against a minimal NumPy loop and PyTorch.

Every contender runs the same network (relu hidden layer, linear output,
half_squared loss, bias on) on the same data from the same weights, and the
contenders take turns within each round, so a noisy neighbour on the machine
slows them alike; the report quotes the median over rounds.
"""

from __future__ import annotations

import numpy as np

from app import model
from bench.stats import median, seconds

SIZES = [(2, 4, 1), (2, 16, 1), (8, 64, 4)]
ALPHA = 0.01
N_SAMPLES = 64


def problem(n_s: int, n_x: int, n_y: int, seed: int = 0):
    net = model.Net(alpha_A=ALPHA, alpha_B=ALPHA)
    rng = np.random.default_rng(seed)
    S = model.with_bias(rng.uniform(-1, 1, (N_SAMPLES, n_s)), True)
    Y = rng.uniform(-1, 1, (N_SAMPLES, n_y))
    A, B = model.init_weights(rng, n_s, n_x, n_y, net)
    return net, S, Y, A, B


# ---------------------------------------------------------------- the minimal loop


def minimal_step(s, y, A, B, alpha_A, alpha_B):
    """One SGD step as it is first written: fresh arrays everywhere, no buffers."""
    psi = s @ A
    x = np.append(np.maximum(psi, 0.0), 1.0)
    y_hat = x @ B
    loss = 0.5 * np.sum((y_hat - y) ** 2)
    delta_B = y_hat - y
    delta_A = (B[:-1] @ delta_B) * (psi > 0)
    B = B - alpha_B * np.outer(x, delta_B)
    A = A - alpha_A * np.outer(s, delta_A)
    return A, B, loss


def minimal_run(S, Y, order, A, B, alpha_A, alpha_B):
    losses = []
    for i in order:
        A, B, loss = minimal_step(S[i], Y[i], A, B, alpha_A, alpha_B)
        losses.append(loss)
    return A, B, np.array(losses)


# ---------------------------------------------------------------- PyTorch


def torch_stepper(S, Y, A, B):
    """A function taking one SGD step with autograd on sample i, in float64 on one thread."""
    import torch

    torch.set_num_threads(1)
    rows = [(torch.from_numpy(s.copy()), torch.from_numpy(y.copy())) for s, y in zip(S, Y, strict=True)]
    A_t = torch.tensor(A, requires_grad=True)
    B_t = torch.tensor(B, requires_grad=True)
    one = torch.ones(1, dtype=torch.float64)

    def step(i: int) -> float:
        s, y = rows[i]
        psi = s @ A_t
        x = torch.cat((torch.relu(psi), one))
        y_hat = x @ B_t
        loss = 0.5 * torch.sum((y_hat - y) ** 2)
        loss.backward()
        with torch.no_grad():
            A_t.sub_(ALPHA * A_t.grad)
            B_t.sub_(ALPHA * B_t.grad)
        A_t.grad = None
        B_t.grad = None
        return loss.item()

    return step


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------- (a) and (b)


def _core_steps(rows, A, B, net) -> None:
    for s, y in rows:
        trace = model.step(s, y, A, B, net)
        A, B = trace["A"], trace["B"]


def _minimal_steps(rows, A, B, net) -> None:
    for s, y in rows:
        A, B, _ = minimal_step(s, y, A, B, ALPHA, ALPHA)


def _torch_steps(step, count: int) -> None:
    for i in range(count):
        step(i % N_SAMPLES)


def single_step(rounds: int, steps: int) -> list[dict]:
    """(a): µs per step with its trace: model.step, the minimal loop, PyTorch autograd."""
    results = []
    for size in SIZES:
        net, S, Y, A, B = problem(*size)
        rows = [(S[i % N_SAMPLES], Y[i % N_SAMPLES]) for i in range(steps)]
        contenders = {"core": (_core_steps, rows, A, B, net), "minimal": (_minimal_steps, rows, A, B, net)}
        if torch_available():
            contenders["torch"] = (_torch_steps, torch_stepper(S, Y, A, B), steps)
        times: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(rounds):
            for name, (fn, *args) in contenders.items():
                times[name].append(seconds(fn, *args) * 1e6 / steps)
        results.append({"size": size, "torch": None, **{k: median(v) for k, v in times.items()}})
    return results


def fast_forward(rounds: int, steps: int) -> list[dict]:
    """(b): µs per step over `steps` steps: model.run against the minimal loop."""
    results = []
    for size in SIZES:
        net, S, Y, A, B = problem(*size)
        order = np.arange(steps) % N_SAMPLES
        A_run, _, losses, *_ = model.run(S, Y, order, A, B, net)
        A_min, _, losses_min = minimal_run(S, Y, order, A, B, ALPHA, ALPHA)
        # Both loops do the same arithmetic: a benchmark of different work would mean nothing.
        assert len(losses) == steps and np.allclose(losses, losses_min, rtol=1e-9, atol=1e-12)
        assert np.allclose(A_run, A_min, rtol=1e-9, atol=1e-12)
        times: dict[str, list[float]] = {"core": [], "minimal": []}
        for _ in range(rounds):
            times["core"].append(seconds(model.run, S, Y, order, A, B, net) * 1e6 / steps)
            times["minimal"].append(seconds(minimal_run, S, Y, order, A, B, ALPHA, ALPHA) * 1e6 / steps)
        results.append({"size": size, **{k: median(v) for k, v in times.items()}})
    return results
