"""The built-in data sets D: rows of inputs s and targets y.

Each is made deterministically (no randomness at import or at use), so a session's
run depends on its seed alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    s: np.ndarray  # (rows, n_s)
    y: np.ndarray  # (rows, n_y)

    def summary(self) -> dict:
        rows, n_s = self.s.shape
        return {
            "name": self.name,
            "description": self.description,
            "n_s": n_s,
            "n_y": self.y.shape[1],
            "size": rows,
            "s": self.s,
            "y": self.y,
        }


def _grid(n: int) -> np.ndarray:
    """n*n points evenly spread over [-1, 1]^2, row by row."""
    u = np.linspace(-1.0, 1.0, n)
    a, b = np.meshgrid(u, u)
    return np.column_stack([a.ravel(), b.ravel()])


def _make() -> dict[str, Dataset]:
    corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    sine_s = np.linspace(-1.0, 1.0, 24)[:, None]
    plane = _grid(5)
    circle = _grid(7)
    sets = [
        Dataset(
            "xor",
            "XOR of two bits: 1 when exactly one input is 1. Not linearly separable, "
            "so it needs the hidden layer.",
            corners,
            np.array([[0.0], [1.0], [1.0], [0.0]]),
        ),
        Dataset(
            "and",
            "AND of two bits: 1 only when both inputs are 1. Linearly separable.",
            corners,
            np.array([[0.0], [0.0], [0.0], [1.0]]),
        ),
        Dataset(
            "sine",
            "1-D regression: y = sin(pi s) at 24 evenly spaced points s in [-1, 1]. "
            "Needs several hidden units and many epochs.",
            sine_s,
            np.sin(np.pi * sine_s),
        ),
        Dataset(
            "linear",
            "2-D regression: y = 0.5 s1 - 0.3 s2 + 0.2 on a 5 x 5 grid in [-1, 1]^2.",
            plane,
            (0.5 * plane[:, 0] - 0.3 * plane[:, 1] + 0.2)[:, None],
        ),
        Dataset(
            "circle",
            "2-D classification: y = 1 inside the circle of radius 0.6, else 0, "
            "on a 7 x 7 grid in [-1, 1]^2.",
            circle,
            ((circle**2).sum(axis=1) < 0.36).astype(np.float64)[:, None],
        ),
        Dataset(
            "hand",
            "One sample, 2 inputs and 2 outputs: s = (0.05, 0.10), y = (0.01, 0.99). "
            "Small enough to check one step by hand (use sigmoid for f_A and f_B).",
            np.array([[0.05, 0.10]]),
            np.array([[0.01, 0.99]]),
        ),
    ]
    for d in sets:
        d.s.setflags(write=False)
        d.y.setflags(write=False)
    return {d.name: d for d in sets}


DATASETS: dict[str, Dataset] = _make()
