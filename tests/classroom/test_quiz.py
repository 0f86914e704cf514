"""The quiz's histogram takes any answers the socket lets through (finite, |x| ≤ 1e300)."""

from __future__ import annotations

import numpy as np
import pytest

from app.classroom.quiz import histogram
from app.limits import CLASS_HISTOGRAM_BINS

CLOSE = [
    [1.0, 1.000000000000001],
    [0.0, 5e-324],
    [0.3, 0.30000000000000004],
    [-1e300, -1e300 * (1 - 2**-52)],
    [1e-300, 1.0000000000000002e-300],
]
SPREAD = [[0.5, -1.0, 2.0], [-1e300, 1e300], [7.0], [0.0, 0.0, 1e-320], list(np.linspace(-3, 4, 57))]


@pytest.mark.parametrize("values", CLOSE + SPREAD)
@pytest.mark.parametrize("truth", [None, 0.3, -2.5])
def test_every_answer_is_counted_once_in_increasing_bins(values, truth):
    got = histogram(list(values), truth)
    edges, counts = np.array(got["edges"]), np.array(got["counts"])
    assert len(counts) == CLASS_HISTOGRAM_BINS and len(edges) == CLASS_HISTOGRAM_BINS + 1
    assert np.all(np.diff(edges) > 0) and np.isfinite(edges).all()
    assert counts.sum() == len(values)
    assert edges[0] <= min(values) and max(values) <= edges[-1]
    # each answer lies in the bar that counts it: recount them independently
    recount = np.zeros(CLASS_HISTOGRAM_BINS, dtype=int)
    for v in values:
        recount[min(np.searchsorted(edges, v, side="right") - 1, CLASS_HISTOGRAM_BINS - 1)] += 1
    assert recount.tolist() == counts.tolist()
