"""The course assignment's weights as the slides' A and B, and arrays as JSON's lists."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def plain(value):
    """A NumPy array (or anything with `tolist`) as nested lists; other values as they are."""
    return value.tolist() if hasattr(value, "tolist") else value


def _rows(matrix) -> list[list[float]]:
    rows = plain(matrix)
    if not (isinstance(rows, list) and rows and all(isinstance(r, list) and r for r in rows)):
        raise ValueError("each layer's W must be a matrix: a list of rows")
    return rows


def from_layers(layers: Sequence[Mapping]) -> tuple[list[list[float]], list[list[float]]]:
    """A and B from the assignment's format: two layers, each {"W": n_in × n_out, "b": n_out}, the
    layer computing `input @ W + b`.  The slides append a 1 to s and to x and keep the biases as
    the weights' last row, so A = W₁ with b₁ appended as its last row, B = W₂ with b₂ likewise.
    """
    if len(layers) != 2:
        raise ValueError(f"layers: the network has two layers (A, then B), not {len(layers)}")
    matrices = []
    for n, layer in enumerate(layers, 1):
        if not isinstance(layer, Mapping) or not {"W", "b"} <= set(layer):
            raise ValueError(f"layer {n} must be a mapping with W and b")
        W, b = _rows(layer["W"]), plain(layer["b"])
        b = b[0] if isinstance(b, list) and len(b) == 1 and isinstance(b[0], list) else b  # a 1 × n row
        size = len(b) if isinstance(b, list) else 0
        if size != len(W[0]):
            hint = " (W looks like n_out × n_in: pass its transpose)" if size == len(W) else ""
            raise ValueError(
                f"layer {n}: b has {size} entries and W {len(W[0])} columns; W is n_in × n_out "
                f"and b has one entry per output{hint}"
            )
        matrices.append([*W, list(b)])
    A, B = matrices
    if len(B) - 1 != len(A[0]):
        raise ValueError(f"layer 2's W has {len(B) - 1} rows, but layer 1 has {len(A[0])} outputs")
    return A, B
