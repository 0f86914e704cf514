"""Request bodies with their bounds, and the limits every input is held to.

Pydantic checks types and ranges here; checks that need the data set (shapes of
A and B, n_s of predict's s) are made by the sessions module and reported the
same way, as an InputError naming the field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_HIDDEN = 256
MAX_INPUTS = 1024  # n_s: room for one-hot features of long random walks
MAX_OUTPUTS = 32
MAX_ROWS = 2000  # samples in D, and rows in one predict call
MAX_VALUE = 1e6  # largest |value| of a data point, an input or a given weight
MAX_ALPHA = 10.0
MAX_STEPS = 100_000  # SGD steps in one call
MAX_WEIGHTS = 100_000  # entries of A and B together
MAX_SEED = 2**32 - 1
MAX_CALL_WORK = 20_000_000  # steps x weights in one call, so that no call blocks for long

Value = Annotated[float, Field(ge=-MAX_VALUE, le=MAX_VALUE, allow_inf_nan=False)]
Row = Annotated[list[Value], Field(min_length=1, max_length=MAX_INPUTS)]
Matrix = Annotated[list[Row], Field(min_length=1, max_length=MAX_INPUTS + 1)]
Alpha = Annotated[float, Field(ge=0.0, le=MAX_ALPHA, allow_inf_nan=False)]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]


class InputError(ValueError):
    """A value that passed its own bounds but does not fit the rest of the request."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def check_rectangular(rows: list[list[float]], field: str) -> None:
    width = len(rows[0])
    for r, row in enumerate(rows):
        if len(row) != width:
            raise InputError(
                field, f"every row must have the same length: row 0 has {width}, row {r} has {len(row)}"
            )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DataIn(Strict):
    s: Annotated[list[Row], Field(min_length=1, max_length=MAX_ROWS)]
    y: Annotated[
        list[Annotated[list[Value], Field(min_length=1, max_length=MAX_OUTPUTS)]],
        Field(min_length=1, max_length=MAX_ROWS),
    ]

    @model_validator(mode="after")
    def _shapes(self) -> DataIn:
        check_rectangular(self.s, "data.s")
        check_rectangular(self.y, "data.y")
        if len(self.s) != len(self.y):
            raise InputError("data.y", f"data.s has {len(self.s)} rows but data.y has {len(self.y)}")
        return self


class ConfigIn(Strict):
    """A session's configuration.  Defaults as in the README."""

    dataset: str | None = Field(None, max_length=40, description="a built-in data set's name")
    data: DataIn | None = None
    hidden: int = Field(4, ge=1, le=MAX_HIDDEN)
    f_A: Literal["relu", "sigmoid", "tanh", "linear"] = "relu"
    f_B: Literal["linear", "sigmoid", "tanh"] = "linear"
    loss: Literal["half_squared", "squared"] = "half_squared"
    alpha_A: Alpha = 0.1
    alpha_B: Alpha = 0.1
    bias: bool = True
    seed: Seed = 0
    order: Literal["cycle", "shuffle"] = "cycle"
    update_order: Literal["backprop", "slides"] = "backprop"
    A: Matrix | None = None
    B: Matrix | None = None

    @model_validator(mode="after")
    def _one_source(self) -> ConfigIn:
        if self.dataset is not None and self.data is not None:
            raise InputError("data", "give either dataset or data, not both")
        for name in ("A", "B"):
            m = getattr(self, name)
            if m is not None:
                check_rectangular(m, name)
        return self


class StepIn(Strict):
    n: int = Field(1, ge=1, le=MAX_STEPS)


class ResetIn(Strict):
    seed: Seed | None = None


class WeightsIn(Strict):
    A: Matrix | None = None
    B: Matrix | None = None

    @model_validator(mode="after")
    def _some(self) -> WeightsIn:
        if self.A is None and self.B is None:
            raise InputError("A", "give A, B or both")
        for name in ("A", "B"):
            m = getattr(self, name)
            if m is not None:
                check_rectangular(m, name)
        return self


class PredictIn(Strict):
    s: Annotated[list[Row], Field(min_length=1, max_length=MAX_ROWS)]

    @model_validator(mode="after")
    def _rect(self) -> PredictIn:
        check_rectangular(self.s, "s")
        return self
