"""Adam's update against a computation worked by hand and against a plain-Python reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app import model


def reference_adam(w: float, grads: list[float], alpha: float, epsilon: float) -> list[float]:
    """Adam for one weight, line by line as the course writes it, in plain Python floats."""
    m = v = 0.0
    out = []
    for t, g in enumerate(grads, start=1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat = m / (1 - 0.9**t)
        v_hat = v / (1 - 0.999**t)
        w = w - alpha * m_hat / (math.sqrt(v_hat) + epsilon)
        out.append(w)
    return out


def test_first_two_steps_worked_by_hand():
    # w = 1, alpha = 0.1, epsilon = 1e-8, gradients 0.5 then -1.
    # t = 1: m = 0.05, v = 0.00025; m_hat = 0.05 / 0.1 = 0.5, v_hat = 0.00025 / 0.001 = 0.25
    #        w = 1 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.900000002   (a first step is alpha, for any gradient)
    # t = 2: m = 0.045 - 0.1 = -0.055, v = 0.00024975 + 0.001 = 0.00124975
    #        m_hat = -0.055 / 0.19 = -0.2894737, v_hat = 0.00124975 / 0.001999 = 0.6251876
    #        w = 0.900000002 + 0.1 * 0.2894737 / 0.7906880 = 0.900000002 + 0.0366104 = 0.9366104
    W = np.array([[1.0]])
    m, v = np.zeros_like(W), np.zeros_like(W)
    W, m, v = model.adam(W, np.array([[0.5]]), 0.1, m, v, 1, 1e-8)
    assert m[0, 0] == pytest.approx(0.05) and v[0, 0] == pytest.approx(0.00025)
    assert W[0, 0] == pytest.approx(0.9000000020, abs=1e-10)
    W, m, v = model.adam(W, np.array([[-1.0]]), 0.1, m, v, 2, 1e-8)
    assert m[0, 0] == pytest.approx(-0.055) and v[0, 0] == pytest.approx(0.00124975)
    assert W[0, 0] == pytest.approx(0.9366104, abs=1e-7)


def test_many_steps_match_the_reference():
    grads = np.random.default_rng(0).normal(0, 2, 50)
    W, m, v = np.array([[0.3]]), np.zeros((1, 1)), np.zeros((1, 1))
    for t, g in enumerate(grads, start=1):
        W, m, v = model.adam(W, np.array([[g]]), 0.01, m, v, t, 1e-4)
    assert W[0, 0] == pytest.approx(reference_adam(0.3, list(grads), 0.01, 1e-4)[-1], abs=1e-14)


def test_adam_step_is_the_core_step_with_adams_update():
    s = np.array([1.0, 2.0, 1.0])
    A = np.array([[0.5, -1.0], [0.25, 0.5], [0.0, 0.5]])
    B = np.array([[2.0], [-1.0], [0.5]])
    y = np.array([1.0])
    net = model.Net(alpha_A=0.05, alpha_B=0.2)
    moments = model.adam_moments(A, B)
    trace = model.adam_step(s, y, A, B, net, moments, 1e-8)
    sgd = model.step(s, y, A, B, net)
    for name in ("psi", "x", "y_hat", "delta_B", "grad_B", "delta_A", "grad_A"):
        assert np.array_equal(trace[name], sgd[name]), name
    assert trace["adam"]["t"] == 1
    for W, G, alpha, name in ((A, sgd["grad_A"], 0.05, "A"), (B, sgd["grad_B"], 0.2, "B")):
        expect = [reference_adam(w, [g], alpha, 1e-8)[0] for w, g in zip(W.ravel(), G.ravel(), strict=True)]
        assert np.allclose(trace[name].ravel(), expect, rtol=0, atol=1e-15)
    assert np.array_equal(moments["m_A"], np.zeros_like(A))  # the moments passed in are not changed


def test_adam_refuses_the_slides_update_order():
    A, B = np.zeros((3, 2)), np.zeros((3, 1))
    with pytest.raises(ValueError):
        model.adam_step(
            np.ones(3), np.ones(1), A, B, model.Net(update_order="slides"), model.adam_moments(A, B), 1e-8
        )
