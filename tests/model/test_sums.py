"""The model's sums (app/model/sums.py) are the sums written out, term by term from the last,
bit for bit: for single rows and stacks of rows, one column or many, one term or many, and
terms whose products are -0.0.  The same arithmetic as a loop of Python floats, so no BLAS
kernel (whose order and fused multiply-adds are the CPU's) has had a hand in them."""

from __future__ import annotations

import numpy as np
import pytest

from app.model import forward, step
from app.model.net import Net, init_weights, with_bias
from app.model.sums import back, product, sum_of_squares

SHAPES = [(1, 1), (1, 5), (3, 1), (3, 4), (8, 1), (9, 64), (17, 3), (65, 1), (65, 4), (130, 2)]


def written_out(terms: list[float]) -> float:
    """0 + the last term + the one before + ... + the first, as Python floats."""
    total = 0.0
    for term in reversed(terms):
        total += term
    return total


def numbers(rng, shape) -> np.ndarray:
    """Values over many magnitudes and both signs, some of them zeros of either sign."""
    x = rng.standard_normal(shape) * 10.0 ** rng.integers(-12, 12, shape)
    x[rng.random(shape) < 0.05] = -0.0
    x[rng.random(shape) < 0.05] = 0.0
    return x


def same_bits(a, b) -> bool:
    return np.asarray(a, dtype=np.float64).tobytes() == np.asarray(b, dtype=np.float64).tobytes()


@pytest.mark.parametrize("n,m", SHAPES)
def test_a_rows_product_is_its_sums_written_out(n, m):
    rng = np.random.default_rng(n * 1000 + m)
    u, M = numbers(rng, n), numbers(rng, (n, m))
    expected = [written_out([float(u[i]) * float(M[i, j]) for i in range(n)]) for j in range(m)]
    assert same_bits(product(u, M), expected)


@pytest.mark.parametrize("n,m", SHAPES)
@pytest.mark.parametrize("rows", [1, 2, 41])
def test_a_stack_of_rows_gives_each_rows_own_bits(n, m, rows):
    rng = np.random.default_rng(n * 1000 + m + rows)
    U, M = numbers(rng, (rows, n)), numbers(rng, (n, m))
    together = product(U, M)
    assert together.shape == (rows, m)
    for r in range(rows):
        assert same_bits(together[r], product(U[r], M))
    assert same_bits(product(U.reshape(1, rows, n), M)[0], together)


@pytest.mark.parametrize("n,m", SHAPES)
def test_carrying_back_is_its_sums_written_out(n, m):
    rng = np.random.default_rng(7 * n + m)
    M, v = numbers(rng, (n, m)), numbers(rng, m)
    expected = [written_out([float(M[i, k]) * float(v[k]) for k in range(m)]) for i in range(n)]
    assert same_bits(back(M, v), expected)
    assert same_bits(back(M[:-1] if n > 1 else M, v), expected[:-1] if n > 1 else expected)  # a view of rows


@pytest.mark.parametrize("n", [1, 2, 4, 9, 33])
def test_a_sum_of_squares_is_written_out(n):
    d = numbers(np.random.default_rng(n), n)
    assert same_bits(sum_of_squares(d), written_out([float(x) * float(x) for x in d]))


def test_the_step_and_a_forward_pass_over_many_rows_agree_bit_for_bit():
    net = Net(f_A="tanh", f_B="sigmoid")
    rng = np.random.default_rng(3)
    A, B = init_weights(rng, 5, 33, 3, net)
    S = with_bias(rng.standard_normal((20, 5)), True)
    many = forward(S, A, B, net)
    for i in range(len(S)):
        one = step(S[i], np.zeros(3), A, B, net)
        for name in ("psi", "x", "theta", "y_hat"):
            assert same_bits(many[name][i], one[name]), (i, name)
