"""Control mode's untraced steps: the traced steps' arithmetic, bit for bit, with no trace.

A call of many transitions shows one trace, its last transition's own step's.  The replayed
steps after every transition, and every transition before the last, need only their
arithmetic: `InPlace` does it on A, B and Adam's moments held as views of flat arrays
(fastforward.FlatLayers) and written in place, one NumPy call per operation for both layers
(optimizers.adam_in_place under Adam), where the traced step
(backprop.step, optimizers.adam_step) makes fresh arrays for its trace, layer by layer.  Each
entry gets the same operations in the same order, so the bits are the same
(tests/sessions/test_control_untraced.py holds a served run to model/replay.episodes, traced
throughout).
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS
from .backprop import outer
from .fastforward import FlatLayers
from .losses import LOSSES
from .mountain_car import outputs_target
from .net import Net
from .optimizers import adam_in_place
from .sums import back, product


class InPlace:
    """A, B (and Adam's m and v, under Adam) as views of flat arrays that each step updates in
    place.  For the backprop update order only (the slides' order reads the new B inside the
    step: the traced step does that)."""

    def __init__(self, net: Net, A: np.ndarray, B: np.ndarray, adam_epsilon: float | None) -> None:
        if net.update_order != "backprop":
            raise ValueError("the in-place step is the backprop order's")
        self.net, self.adam_epsilon = net, adam_epsilon
        self.f_A, self.f_A_prime = ACTIVATIONS[net.f_A]
        self.f_B, self.f_B_prime = ACTIVATIONS[net.f_B]
        self.L, self.L_prime = LOSSES[net.loss]
        self.n_x = A.shape[1]
        flat = FlatLayers(A, B, net)
        self.W, self.G, self.alphas, self.x, self.fx = flat.W, flat.G, flat.alphas, flat.x, flat.fx
        self.A, self.B = flat.A, flat.B
        self.grad_A, self.grad_B = flat.grad_A, flat.grad_B
        self.T, self.U = np.empty_like(self.W), np.empty_like(self.W)  # Adam's scratch
        self.M = self.V = None
        if adam_epsilon is not None:
            self.M, self.V = np.zeros_like(self.W), np.zeros_like(self.W)
            self.m_A, self.m_B = flat.views(self.M)
            self.v_A, self.v_B = flat.views(self.V)
        self.t = 0

    def holds(self, A: np.ndarray) -> bool:
        return A is self.A

    def take(self, A: np.ndarray, B: np.ndarray, moments: dict | None) -> None:
        """Starts from these weights and moments (copied in, unless they are already these)."""
        if A is not self.A:
            self.A[...], self.B[...] = A, B
        if moments is not None and moments["m_A"] is not self.m_A:
            self.m_A[...], self.v_A[...], self.m_B[...], self.v_B[...] = (
                moments["m_A"],
                moments["v_A"],
                moments["m_B"],
                moments["v_B"],
            )
        if moments is not None:
            self.t = moments["t"]

    def moments(self) -> dict | None:
        if self.M is None:
            return None
        return {"t": self.t, "m_A": self.m_A, "v_A": self.v_A, "m_B": self.m_B, "v_B": self.v_B}

    def learn(self, s: np.ndarray, only: int, value: float) -> float:
        """backprop.step's forward and backward pass on s with y the target `value` for output
        `only` and every other output's own y_hat, then SGD's or Adam's update, in place.
        Returns the step's loss."""
        psi = product(s, self.A)
        fx = self.f_A(psi, out=self.fx)
        theta = product(self.x, self.B)
        y_hat = self.f_B(theta)
        d = y_hat - outputs_target(y_hat, only, value)
        loss = self.L(d)
        dL_dy_hat = self.L_prime(d)
        delta_B = dL_dy_hat if self.net.f_B == "linear" else dL_dy_hat * self.f_B_prime(theta, y_hat)
        outer(self.x, delta_B, self.grad_B)
        delta_A = back(self.B, delta_B, self.n_x) * self.f_A_prime(psi, fx)
        outer(s, delta_A, self.grad_A)
        if self.M is None:
            np.multiply(self.alphas, self.G, out=self.T)
            np.subtract(self.W, self.T, out=self.W)
        else:
            self.t += 1
            epsilon, T, U = self.adam_epsilon, self.T, self.U
            adam_in_place(self.W, self.G, self.alphas, self.M, self.V, self.t, epsilon, T, U)
        return loss
