"""The model's sums, each in one fixed order: the same bits on every CPU.

np.dot and @ on the weights hand the sums to BLAS, whose kernel (picked for the CPU, or by
OPENBLAS_CORETYPE) adds in an order of its own and fuses multiply-adds on some CPUs: the same
seed would end in other bits on another machine.  BLAS takes no negative strides, so NumPy's
matmul on reversed views makes the sums itself, one multiply and one add per term, from the
last term to the first, with the same instructions on every CPU.  (tests/model/test_sums.py
holds that to a loop written out; tests/model/test_every_kernel.py runs whole sessions
under three kernels.)  A product alone, u[i] v[j], is rounded once wherever it is made, so
outer products need no care.
"""

from __future__ import annotations

import numpy as np


def product(u: np.ndarray, M: np.ndarray) -> np.ndarray:
    """u M for a row u, or for each row of u: each entry u[n-1] M[n-1, j] + ... + u[0] M[0, j].

    Rows are multiplied one by one, as a stack of 1-row matrices (NumPy copies a whole matrix
    with strides BLAS cannot take and hands it to BLAS all the same), so a row's outputs are
    the same bits alone or among others."""
    if u.ndim == 1:
        return u[::-1] @ M[::-1]
    return (u[..., None, ::-1] @ M[::-1])[..., 0, :]


def back(M: np.ndarray, v: np.ndarray, rows: int | None = None) -> np.ndarray:
    """M v (of M's first `rows` rows) for a column v, written as a row: each entry
    M[i, n-1] v[n-1] + ... + M[i, 0] v[0]."""
    return M[:rows, ::-1] @ v[::-1]


def sum_of_squares(d: np.ndarray) -> float:
    """|d|^2 of a row: 0 + d[n-1]^2 + ... + d[0]^2, in Python's floats (the same IEEE doubles,
    one multiply and one add per term: quicker than any NumPy call for a few outputs)."""
    total = 0.0
    for v in reversed(d.tolist()):
        total += v * v
    return total
