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
MAX_STATES = 1000  # states of TD mode's random walk

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


class EnvironmentIn(Strict):
    """TD mode's random walk.  Defaults as in the README."""

    name: Literal["random_walk"] = "random_walk"
    states: int = Field(19, ge=1, le=MAX_STATES, description="non-terminal states in a row")
    jump: int = Field(1, ge=1, le=MAX_STATES, description="the largest move, to either side")
    gamma: float = Field(1.0, ge=0.0, le=1.0, allow_inf_nan=False, description="the discount")
    target: Literal["td", "mc"] = "td"
    features: Literal["one_hot", "aggregate"] = "one_hot"
    groups: int = Field(10, ge=1, le=MAX_STATES, description="groups of states, for features 'aggregate'")

    @model_validator(mode="after")
    def _fits(self) -> EnvironmentIn:
        if self.jump > self.states:
            raise InputError("environment.jump", f"must be at most states ({self.states}), not {self.jump}")
        if self.features == "aggregate" and self.groups > self.states:
            raise InputError(
                "environment.groups", f"must be at most states ({self.states}), not {self.groups}"
            )
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
    environment: EnvironmentIn | None = Field(None, description="TD mode: learn this walk's values")
    optimizer: Literal["sgd", "adam"] = "sgd"
    epsilon: float = Field(1e-8, gt=0.0, le=1.0, allow_inf_nan=False, description="Adam's epsilon")

    @model_validator(mode="after")
    def _one_source(self) -> ConfigIn:
        if self.dataset is not None and self.data is not None:
            raise InputError("data", "give either dataset or data, not both")
        if self.environment is not None and (self.dataset is not None or self.data is not None):
            raise InputError("environment", "give either environment (TD mode) or dataset/data, not both")
        if self.optimizer == "adam" and self.update_order == "slides":
            raise InputError(
                "update_order", "Adam updates after the whole backward pass: use 'backprop' with 'adam'"
            )
        for name in ("A", "B"):
            m = getattr(self, name)
            if m is not None:
                check_rectangular(m, name)
        return self


class StepIn(Strict):
    n: int = Field(1, ge=1, le=MAX_STEPS)
    to_episode_end: bool = Field(
        False, description="TD mode: stop after the step that ends an episode; n is then an upper bound"
    )


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


class SampleIn(Strict):
    """One sample of D, replaced: its index, its inputs s and its targets y."""

    index: int = Field(ge=0, lt=MAX_ROWS)
    s: Row
    y: Annotated[list[Value], Field(min_length=1, max_length=MAX_OUTPUTS)]


class PredictIn(Strict):
    s: Annotated[list[Row], Field(min_length=1, max_length=MAX_ROWS)]

    @model_validator(mode="after")
    def _rect(self) -> PredictIn:
        check_rectangular(self.s, "s")
        return self


# ---------------------------------------------------------------- answers
# These describe the answers in the OpenAPI schema (and so to schemathesis); the
# routes build the JSON with orjson straight from the arrays, not through these.
# Every number is a plain float: a NaN that became null would break the schema.

FloatMatrix = list[list[float]]


class EpisodeOut(BaseModel):
    t: int = Field(description="the step of the episode: S_t")
    length: int = Field(description="T, the episode's number of moves")
    final_reward: float = Field(description="R_T")


class StateOut(BaseModel):
    step: int
    epoch: int = Field(description="passes over D; in TD mode, episodes finished")
    dataset_loss: float
    diverged: bool
    next_index: int = Field(description="the sample of D the next step will use; in TD mode, the state")
    A: FloatMatrix
    B: FloatMatrix
    rmsve: float | None = Field(None, description="TD mode: the RMS value error over the states")
    episode: EpisodeOut | None = Field(None, description="TD mode, target 'mc': the episode in progress")


class StepStateOut(BaseModel):
    step: int
    epoch: int
    dataset_loss: float
    diverged: bool
    next_index: int
    rmsve: float | None = None
    episode: EpisodeOut | None = None


class DataOut(BaseModel):
    s: FloatMatrix
    y: FloatMatrix


class EnvironmentOut(BaseModel):
    name: str
    states: int
    jump: int
    gamma: float
    target: str
    features: str
    groups: int


class ConfigOut(BaseModel):
    dataset: str | None
    data: DataOut | None = None
    hidden: int
    f_A: str
    f_B: str
    loss: str
    alpha_A: float
    alpha_B: float
    bias: bool
    seed: int
    order: str
    update_order: str
    A: FloatMatrix | None = None
    B: FloatMatrix | None = None
    environment: EnvironmentOut | None = None
    optimizer: str = "sgd"
    epsilon: float = 1e-8
    n_s: int
    n_y: int


class SessionOut(BaseModel):
    id: str
    config: ConfigOut
    state: StateOut


class TransitionOut(BaseModel):
    state: int = Field(description="S")
    reward: float = Field(description="R")
    next_state: int = Field(description="S'; -1 and states are the left and right ends")
    terminal: bool


class AdamOut(BaseModel):
    t: int = Field(description="Adam's updates so far, this one included")
    m_A: FloatMatrix
    v_A: FloatMatrix
    m_B: FloatMatrix
    v_B: FloatMatrix


class TraceOut(BaseModel):
    index: int
    s: list[float]
    y: list[float]
    psi: list[float]
    x: list[float]
    theta: list[float]
    y_hat: list[float]
    loss: float
    dL_dy_hat: list[float]
    df_B: list[float]
    delta_B: list[float]
    grad_B: FloatMatrix
    df_A: list[float]
    delta_A: list[float]
    grad_A: FloatMatrix
    A_before: FloatMatrix
    B_before: FloatMatrix
    A: FloatMatrix
    B: FloatMatrix
    transition: TransitionOut | None = Field(None, description="TD mode: the move (S, R, S')")
    s_next: list[float] | None = Field(None, description="TD mode: the features of S' (zeros when terminal)")
    v_next: float | None = Field(None, description="TD target: v_hat(S') with the weights before the update")
    episode: EpisodeOut | None = Field(None, description="MC target: where this step is in its episode")
    adam: AdamOut | None = Field(None, description="optimizer 'adam': the moments after this update")


class StepOut(BaseModel):
    state: StepStateOut
    trace: TraceOut
    losses: list[float] = Field(description="each step's sample loss, the last 10,000 at most")


class ValuesOut(BaseModel):
    step: int = Field(description="the steps taken, for which these are the values")
    v_hat: list[float] = Field(description="the network's value of every state")
    v_true: list[float] = Field(description="the true value of every state")
    rmsve: float = Field(description="sqrt of the mean over the states of (v_hat - v_true)^2")


class PredictOut(BaseModel):
    y_hat: FloatMatrix


class GradcheckOut(BaseModel):
    index: int
    s: list[float]
    y: list[float]
    h: float
    grad_A: FloatMatrix
    grad_B: FloatMatrix
    numeric_grad_A: FloatMatrix
    numeric_grad_B: FloatMatrix
    max_rel_error: float


class DatasetOut(BaseModel):
    name: str
    description: str
    n_s: int
    n_y: int
    size: int
    s: FloatMatrix
    y: FloatMatrix


class ErrorDetail(BaseModel):
    field: str
    msg: str
    type: str


class ErrorOut(BaseModel):
    message: str
    detail: list[ErrorDetail] = []


class DivergedOut(BaseModel):
    message: str
    diverged: bool
    advice: str
    state: StateOut


class HealthOut(BaseModel):
    status: str


class SourceOut(BaseModel):
    file: str
    function: str
    first_line: int
    lines: list[str]
    phases: dict[str, list[int]] = Field(description="for each phase of a step, the indexes into lines")
