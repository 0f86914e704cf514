"""Numbers as the page shows them: rounded to significant digits, for answers and messages."""

from __future__ import annotations

import numpy as np

from .errors import InputError

DIGITS = 6


def round_significant(a: np.ndarray, digits: int = DIGITS) -> np.ndarray:
    """a with each value rounded to `digits` significant digits.

    A value is scaled by the power of ten that brings its last kept digit to the
    units, rounded to a whole number and scaled back.  Powers of ten up to 1e22
    are exact doubles, so for values between 1e-17 and 1e27 the result is the
    double nearest the rounded decimal, and JSON prints that decimal:
    0.1234567 becomes 0.123457, not 0.12345700000000001.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        p = np.floor(np.log10(np.abs(a) + 1e-300)) - (digits - 1)  # 1e-300: log10(0) is finite
        scale = 10.0 ** np.abs(p)
        return np.where(p < 0, np.rint(a * scale) / scale, np.rint(a / scale) * scale)


SMALLEST_NORMAL = np.finfo(np.float64).tiny  # 2.2e-308: below it, a float is subnormal


def flushed(a: np.ndarray) -> np.ndarray:
    """a with its subnormal numbers (0 < |x| < 2.2e-308, such as 1e-310) made 0, in place.

    An input that small means 0 for any step, and each operation on one costs the CPU up to a
    hundred times an ordinary one's: calls that fit their estimate would run far past it.
    """
    a[np.abs(a) < SMALLEST_NORMAL] = 0.0
    return a


def matrix(m: list | np.ndarray | None, field: str, shape: tuple[int, int]) -> np.ndarray | None:
    """m as a float64 array of the given shape, or an InputError naming the field."""
    if m is None:
        return None
    a = flushed(np.array(m, dtype=np.float64))
    if a.shape != shape:
        raise InputError(
            field,
            f"must be {shape[0]} x {shape[1]} (bias row included when bias is on), "
            f"not {a.shape[0]} x {a.shape[1]}",
        )
    return a
