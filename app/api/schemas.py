"""Request bodies with their bounds, and the answers as the OpenAPI schema describes them.

A session's config (ConfigIn) is the sessions package's own model; the bodies here
are those of the other calls.  Checks that need the session (shapes of A and B, n_s
of predict's s) are made by the session and reported the same way, as an InputError
naming the field.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from ..limits import (
    HISTORY,
    MAX_OUTPUTS,
    MAX_PREDICT_DIGITS,
    MAX_RATE,
    MAX_ROWS,
    MAX_STEPS,
    MAX_STEPS_PER_FRAME,
)
from ..sessions.config import ConfigIn, Matrix, Row, Seed, Strict, Value, check_rectangular
from ..sessions.errors import InputError
from .environment_schemas import (
    CarOut,
    CarTransitionOut,
    EnvironmentOut,
    EpisodeOut,
    FloatMatrix,
    TransitionOut,
    ValuesOut,
)

__all__ = ["ConfigIn", "ValuesOut"]


class StepIn(Strict):
    n: int = Field(1, ge=1, le=MAX_STEPS)
    to_episode_end: bool = Field(
        False, description="TD mode: stop after the step that ends an episode; n is then an upper bound"
    )


class PlaySettingsIn(Strict):
    """A play stream's settings message: any of its fields, at any time; those sent
    replace the ones sent before.  The defaults are a stream's settings at first."""

    rate: float = Field(30.0, ge=1, le=MAX_RATE, allow_inf_nan=False, description="frames per second")
    steps_per_frame: int = Field(1, ge=1, le=MAX_STEPS_PER_FRAME, description="steps in each frame")
    paused: bool = False


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
    units: bool = Field(False, description="also x, what each hidden unit computes at each row")
    digits: int | None = Field(
        None, ge=1, le=MAX_PREDICT_DIGITS,
        description="round every value to this many significant digits (fewer bytes for a picture)",
    )  # fmt: skip

    @model_validator(mode="after")
    def _rect(self) -> PredictIn:
        check_rectangular(self.s, "s")
        return self


# ---------------------------------------------------------------- answers
# These describe the answers in the OpenAPI schema (and so to schemathesis); the
# routes build the JSON with orjson straight from the arrays, not through these.
# Every number is a plain float: a NaN that became null would break the schema.


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
    episode_steps: list[int] | None = Field(
        None, description="control mode: finished episodes' steps, the last 1,000"
    )
    car: CarOut | None = Field(
        None, description="control mode: the episode under way (null before its start)"
    )


class StepStateOut(BaseModel):
    step: int
    epoch: int
    dataset_loss: float
    diverged: bool
    next_index: int
    rmsve: float | None = None
    episode: EpisodeOut | None = None
    episode_steps: list[int] | None = None
    car: CarOut | None = None


class DataOut(BaseModel):
    s: FloatMatrix
    y: FloatMatrix


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


class LimitsOut(BaseModel):
    max_steps: int = Field(description="the most steps one call may take for this session, on this server")


class SessionOut(BaseModel):
    id: str
    config: ConfigOut
    state: StateOut
    limits: LimitsOut


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
    transition: TransitionOut | CarTransitionOut | None = Field(
        None, description="TD mode: the move (S, R, S'); control mode: (S, A, R, S', A')"
    )
    s_next: list[float] | None = Field(None, description="TD mode: the features of S' (zeros when terminal)")
    v_next: float | None = Field(None, description="TD target: v_hat(S') with the weights before the update")
    q_next: list[float] | None = Field(
        None,
        description="control mode: q_hat(S', .) with the weights before the update (zeros when terminal)",
    )
    episode: EpisodeOut | None = Field(None, description="MC target: where this step is in its episode")
    adam: AdamOut | None = Field(None, description="optimizer 'adam': the moments after this update")


class StepOut(BaseModel):
    state: StepStateOut
    trace: TraceOut
    losses: list[float] = Field(description=f"each step's sample loss, the last {HISTORY:,} at most")


class PredictOut(BaseModel):
    y_hat: FloatMatrix
    x: FloatMatrix | None = None


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


class WeightTrace(BaseModel):
    """The factors of the chain rule at the checked point (the trace of the next step, before its update)."""

    psi: list[float]
    x: list[float]
    theta: list[float]
    y_hat: list[float]
    loss: float
    dL_dy_hat: list[float]
    df_B: list[float]
    delta_B: list[float]
    df_A: list[float]
    delta_A: list[float]


class WeightCheckOut(BaseModel):
    weight: str
    matrix: Literal["A", "B"]
    row: int
    column: int
    index: int
    s: list[float]
    y: list[float]
    h: float
    backprop: float
    numeric: float
    rel_error: float
    value: float
    trace: WeightTrace


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


class ReadyOut(BaseModel):
    status: str  # "ok" or "unavailable"
    message: str | None = None  # what is away, when unavailable


class SourceOut(BaseModel):
    file: str
    function: str
    first_line: int
    lines: list[str]
    phases: dict[str, list[int]] = Field(description="for each phase of a step, the indexes into lines")
