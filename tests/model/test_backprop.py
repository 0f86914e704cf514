"""The core against finite differences, a step worked by hand, and the slides' order."""

from __future__ import annotations

import itertools
import math
import warnings
import zlib

import numpy as np
import pytest

from app import model
from app.model.activations import relu, relu_prime
from app.model.fastforward import WEIGHT_LIMIT

COMBOS = list(itertools.product(model.F_A_NAMES, model.F_B_NAMES, model.LOSSES, (True, False)))
SIZES = [(1, 1, 1), (2, 4, 1), (3, 5, 2), (4, 16, 3)]


def _random_problem(rng, n_s, n_x, n_y, net):
    s = model.with_bias(rng.uniform(0.2, 1, n_s), net.bias)
    y = rng.uniform(0.1, 0.9, n_y)
    A = rng.normal(0, 0.8, (n_s + net.bias, n_x))
    B = rng.normal(0, 0.8, (n_x + net.bias, n_y))
    A[:, 0] = np.abs(A[:, 0]) + 0.1  # hidden unit 0 is active even under relu
    # keep every psi away from relu's kink, where the derivative is not defined
    psi = s @ A
    A[0] += np.where(np.abs(psi) < 0.05, 0.1, 0.0)
    return s, y, A, B


@pytest.mark.parametrize("f_A,f_B,loss,bias", COMBOS)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: "x".join(map(str, s)))
def test_backprop_matches_central_differences(f_A, f_B, loss, bias, size):
    net = model.Net(f_A=f_A, f_B=f_B, loss=loss, bias=bias)
    rng = np.random.default_rng(zlib.crc32(repr((f_A, f_B, loss, bias, size)).encode()))
    s, y, A, B = _random_problem(rng, *size, net)
    trace = model.step(s, y, A, B, net)
    num_A, num_B = model.numerical_gradients(s, y, A, B, net)
    assert model.relative_error(trace["grad_A"], num_A, floor=1e-6) < 1e-6
    assert model.relative_error(trace["grad_B"], num_B, floor=1e-6) < 1e-6
    # and the gradient is not trivially zero
    assert np.abs(trace["grad_B"]).max() > 1e-4


def test_relative_error_catches_a_wrong_gradient():
    net = model.Net(f_A="tanh", f_B="sigmoid")
    s, y, A, B = _random_problem(np.random.default_rng(1), 2, 3, 1, net)
    trace = model.step(s, y, A, B, net)
    num_A, _ = model.numerical_gradients(s, y, A, B, net)
    wrong = trace["grad_A"].copy()
    wrong[0, 0] *= 1.01
    assert model.relative_error(wrong, num_A) > 1e-3


# A step worked by hand.  s = (1, 2) with bias, so s = (1, 2, 1); f_A relu, f_B linear,
# loss half_squared, alpha_A = alpha_B = 0.1.  Every number below is exact in binary
# fractions or within a rounding of them.
#   A = [[0.5, -1], [0.25, 0.5], [0, 0.5]]      B = [[2], [-1], [0.5]]      y = 1
#   psi = sA = (0.5 + 0.5 + 0, -1 + 1 + 0.5) = (1, 0.5);  x = relu(psi) + bias = (1, 0.5, 1)
#   theta = xB = 2 - 0.5 + 0.5 = 2;  y_hat = 2;  L = 1/2 (2 - 1)^2 = 0.5
#   dL/dy_hat = 1;  f_B' = 1;  delta_B = 1;  grad_B = x delta_B = (1, 0.5, 1)
#   B <- B - 0.1 grad_B = (1.9, -1.05, 0.4)
#   backprop: delta_A = (B_j1 delta_B) f_A'(psi_j) = (2 * 1 * 1, -1 * 1 * 1) = (2, -1)
#     grad_A = s^T delta_A = [[2, -1], [4, -2], [2, -1]]
#     A <- A - 0.1 grad_A = [[0.3, -0.9], [-0.15, 0.7], [-0.2, 0.6]]
#   slides' order: delta_A uses the updated B: (1.9, -1.05)
#     grad_A = [[1.9, -1.05], [3.8, -2.1], [1.9, -1.05]]
#     A <- [[0.31, -0.895], [-0.13, 0.71], [-0.19, 0.605]]
HAND_s = np.array([1.0, 2.0, 1.0])
HAND_A = np.array([[0.5, -1.0], [0.25, 0.5], [0.0, 0.5]])
HAND_B = np.array([[2.0], [-1.0], [0.5]])
HAND_y = np.array([1.0])


def test_hand_worked_step_backprop_order():
    t = model.step(HAND_s, HAND_y, HAND_A, HAND_B, model.Net())
    expect = {
        "psi": [1.0, 0.5], "x": [1.0, 0.5, 1.0], "theta": [2.0], "y_hat": [2.0],
        "dL_dy_hat": [1.0], "df_B": [1.0], "delta_B": [1.0], "grad_B": [[1.0], [0.5], [1.0]],
        "B": [[1.9], [-1.05], [0.4]], "df_A": [1.0, 1.0], "delta_A": [2.0, -1.0],
        "grad_A": [[2.0, -1.0], [4.0, -2.0], [2.0, -1.0]],
        "A": [[0.3, -0.9], [-0.15, 0.7], [-0.2, 0.6]],
    }  # fmt: skip
    assert t["loss"] == pytest.approx(0.5, abs=1e-9)
    for name, value in expect.items():
        np.testing.assert_allclose(t[name], value, atol=1e-9, err_msg=name)
    np.testing.assert_array_equal(t["A_before"], HAND_A)
    np.testing.assert_array_equal(t["B_before"], HAND_B)


def test_hand_worked_step_slides_order_differs():
    t = model.step(HAND_s, HAND_y, HAND_A, HAND_B, model.Net(update_order="slides"))
    np.testing.assert_allclose(t["delta_A"], [1.9, -1.05], atol=1e-9)
    np.testing.assert_allclose(t["grad_A"], [[1.9, -1.05], [3.8, -2.1], [1.9, -1.05]], atol=1e-9)
    np.testing.assert_allclose(t["A"], [[0.31, -0.895], [-0.13, 0.71], [-0.19, 0.605]], atol=1e-9)
    # B's update does not depend on the order
    np.testing.assert_allclose(t["B"], [[1.9], [-1.05], [0.4]], atol=1e-9)


def test_slides_order_equals_backprop_when_B_does_not_move():
    net_b = model.Net(f_A="tanh", alpha_B=0.0)
    net_s = model.Net(f_A="tanh", alpha_B=0.0, update_order="slides")
    s, y, A, B = _random_problem(np.random.default_rng(3), 2, 3, 2, net_b)
    np.testing.assert_array_equal(model.step(s, y, A, B, net_b)["A"], model.step(s, y, A, B, net_s)["A"])


def test_sigmoid_step_against_scalar_arithmetic():
    """The 2-2-2 sigmoid example worked one scalar at a time with math.exp."""
    net = model.Net(f_A="sigmoid", f_B="sigmoid", alpha_A=0.5, alpha_B=0.5)
    s = [0.05, 0.10, 1.0]
    A = [[0.15, 0.25], [0.20, 0.30], [0.35, 0.35]]
    B = [[0.40, 0.50], [0.45, 0.55], [0.60, 0.60]]
    y = [0.01, 0.99]

    def sig(z):
        return 1 / (1 + math.exp(-z))

    psi = [sum(s[i] * A[i][j] for i in range(3)) for j in range(2)]
    x = [sig(p) for p in psi] + [1.0]
    theta = [sum(x[j] * B[j][k] for j in range(3)) for k in range(2)]
    y_hat = [sig(t) for t in theta]
    delta_B = [(y_hat[k] - y[k]) * y_hat[k] * (1 - y_hat[k]) for k in range(2)]
    delta_A = [sum(B[j][k] * delta_B[k] for k in range(2)) * x[j] * (1 - x[j]) for j in range(2)]
    B_new = [[B[j][k] - 0.5 * delta_B[k] * x[j] for k in range(2)] for j in range(3)]
    A_new = [[A[i][j] - 0.5 * delta_A[j] * s[i] for j in range(2)] for i in range(3)]

    t = model.step(np.array(s), np.array(y), np.array(A), np.array(B), net)
    np.testing.assert_allclose(t["y_hat"], y_hat, rtol=0, atol=1e-12)
    np.testing.assert_allclose(t["delta_B"], delta_B, rtol=0, atol=1e-12)
    np.testing.assert_allclose(t["delta_A"], delta_A, rtol=0, atol=1e-12)
    np.testing.assert_allclose(t["B"], B_new, rtol=0, atol=1e-12)
    np.testing.assert_allclose(t["A"], A_new, rtol=0, atol=1e-12)
    # the widely published total error of this example, 0.298371109
    assert t["loss"] == pytest.approx(0.298371109, abs=1e-9)


def test_relu_derivative_is_one_not_psi():
    psi = np.array([-2.0, 0.0, 0.5, 3.0])
    np.testing.assert_array_equal(relu_prime(psi, relu(psi)), [0.0, 0.0, 1.0, 1.0])


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_saturating_activations_are_quiet_for_huge_inputs(name):
    f, f_prime = model.ACTIVATIONS[name]
    z = np.array([-1e308, -800.0, -40.0, 0.0, 40.0, 800.0, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            fz = f(z)
            d = f_prime(z, fz)
    assert np.isfinite(fz).all() and np.isfinite(d).all()
    assert fz[0] == (0.0 if name == "sigmoid" else -1.0) and fz[-1] == 1.0


def test_backward_overwrites_nothing_accumulates():
    net = model.Net(f_A="sigmoid")
    s, y, A, B = _random_problem(np.random.default_rng(5), 2, 3, 1, net)
    inputs = {"s": s, "y": y, "A": A, "B": B}
    copies = {name: a.copy() for name, a in inputs.items()}
    first = model.step(s, y, A, B, net)
    again = model.step(s, y, A, B, net)
    np.testing.assert_array_equal(first["grad_A"], again["grad_A"])
    np.testing.assert_array_equal(first["grad_B"], again["grad_B"])
    # The inputs are as they were before either call, and the trace's "before" is them.
    for name, a in inputs.items():
        np.testing.assert_array_equal(a, copies[name], err_msg=name)
    np.testing.assert_array_equal(first["A_before"], copies["A"])
    np.testing.assert_array_equal(first["B_before"], copies["B"])
    assert not np.array_equal(first["A"], copies["A"]) and not np.array_equal(first["B"], copies["B"])


@pytest.mark.parametrize("update_order", model.UPDATE_ORDERS)
@pytest.mark.parametrize("f_A,bias", [("relu", True), ("sigmoid", False), ("tanh", True)])
def test_run_is_bit_for_bit_the_same_as_steps(update_order, f_A, bias):
    net = model.Net(f_A=f_A, f_B="tanh", bias=bias, update_order=update_order, alpha_A=0.3)
    rng = np.random.default_rng(11)
    S = model.with_bias(rng.uniform(-1, 1, (7, 3)), bias)
    Y = rng.uniform(-0.5, 0.5, (7, 2))
    A, B = model.init_weights(rng, 3, 5, 2, net)
    order = rng.integers(0, 7, 50)
    A_run, B_run, losses, trace, _, _ = model.run(S, Y, order, A, B, net)
    a, b = A, B
    for t, i in enumerate(order):
        tr = model.step(S[i], Y[i], a, b, net)
        assert losses[t] == tr["loss"]
        a, b = tr["A"], tr["B"]
    np.testing.assert_array_equal(A_run, a)
    np.testing.assert_array_equal(B_run, b)
    assert trace["index"] == order[-1]


def test_run_stops_before_the_step_that_diverges():
    net = model.Net(f_A="linear", alpha_A=10.0, alpha_B=10.0)
    S = model.with_bias(np.array([[3.0, -2.0], [1.0, 4.0]]), True)
    Y = np.array([[1.0], [-1.0]])
    A, B = model.init_weights(np.random.default_rng(0), 2, 4, 1, net)
    A_run, B_run, losses, trace, _, failed = model.run(S, Y, np.arange(200) % 2, A, B, net)
    assert failed and 0 < len(losses) < 200
    assert np.isfinite(losses).all()
    assert np.isfinite(A_run).all() and np.abs(A_run).max() <= WEIGHT_LIMIT
    # the step after the last good one is the one that goes wrong
    nxt = model.step(S[len(losses) % 2], Y[len(losses) % 2], A_run, B_run, net)
    with np.errstate(all="ignore"):
        assert not model.is_finite_step(nxt)
    np.testing.assert_array_equal(trace["A"], A_run)


@pytest.mark.parametrize("f_A", ["relu", "tanh"])
@pytest.mark.parametrize("bias", [True, False])
def test_initial_weights_follow_the_documented_rule(f_A, bias):
    """README: default_rng(seed) draws A, then B, each entry uniform in [-r, r] with
    r = sqrt(6 / (fan_in + fan_out)), fan_in counting the bias input; bias rows then 0,
    except the hidden biases under relu, which are 0.1."""
    n_s, n_x, n_y, seed = 3, 40, 2, 123
    A, B = model.init_weights(np.random.default_rng(seed), n_s, n_x, n_y, model.Net(f_A=f_A, bias=bias))
    rows_A, rows_B = n_s + bias, n_x + bias
    r_A, r_B = math.sqrt(6 / (rows_A + n_x)), math.sqrt(6 / (rows_B + n_y))
    assert A.shape == (rows_A, n_x) and B.shape == (rows_B, n_y)
    rng = np.random.default_rng(seed)
    draws_A = rng.random((rows_A, n_x))  # uniform in [0, 1): A's entries come first, row by row
    draws_B = rng.random((rows_B, n_y))
    np.testing.assert_allclose(A[:n_s], (2 * draws_A[:n_s] - 1) * r_A, rtol=0, atol=1e-15)
    np.testing.assert_allclose(B[:n_x], (2 * draws_B[:n_x] - 1) * r_B, rtol=0, atol=1e-15)
    assert np.abs(A[:n_s]).max() <= r_A and np.abs(A[:n_s]).max() > 0.9 * r_A
    if bias:
        assert A[-1].tolist() == [0.1 if f_A == "relu" else 0.0] * n_x
        assert B[-1].tolist() == [0.0] * n_y


def test_same_seed_same_weights_different_seed_different():
    net = model.Net()
    A1, B1 = model.init_weights(np.random.default_rng(7), 2, 4, 1, net)
    A2, B2 = model.init_weights(np.random.default_rng(7), 2, 4, 1, net)
    A3, _ = model.init_weights(np.random.default_rng(8), 2, 4, 1, net)
    np.testing.assert_array_equal(A1, A2)
    np.testing.assert_array_equal(B1, B2)
    assert not np.array_equal(A1, A3)
