"""A session's configuration: the server's one list of its fields, their defaults and bounds.

A session keeps its validated ConfigIn; the API takes it as the body that creates a
session and a document carries it.  Names of activations, losses and the like come
from the model's own tables, so a choice the model lacks cannot be offered.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from ..limits import (
    MAX_ALPHA,
    MAX_BUFFER,
    MAX_HIDDEN,
    MAX_IHT,
    MAX_INPUTS,
    MAX_NAME,
    MAX_OUTPUTS,
    MAX_REPLAY,
    MAX_ROWS,
    MAX_SEED,
    MAX_STATES,
    MAX_STEP,
    MAX_TILES,
    MAX_TILINGS,
    MAX_VALUE,
)
from ..model import F_A_NAMES, F_B_NAMES, LOSS_NAMES, OPTIMIZERS, UPDATE_ORDERS
from ..model.activations import DEFAULTS
from ..model.fastforward import WEIGHT_LIMIT
from ..model.losses import DEFAULT as DEFAULT_LOSS
from ..model.mountain_car import AGENTS
from ..model.replay import CONTROL_NETWORK, CONTROL_NETWORK_ENVIRONMENT, CONTROL_TILES
from ..model.walk import FEATURES, TARGETS
from .errors import InputError
from .numbers import SMALLEST_NORMAL

Value = Annotated[float, Field(ge=-MAX_VALUE, le=MAX_VALUE, allow_inf_nan=False)]
Row = Annotated[list[Value], Field(min_length=1, max_length=MAX_INPUTS)]
Matrix = Annotated[list[Row], Field(min_length=1, max_length=MAX_INPUTS + 1)]
# Weights as training may leave them: up to WEIGHT_LIMIT, where larger is divergence.
Weight = Annotated[float, Field(ge=-WEIGHT_LIMIT, le=WEIGHT_LIMIT, allow_inf_nan=False)]


def _not_subnormal(x: float) -> float:
    """A step size or a discount is a number every step multiplies by: a subnormal one (such as
    1e-310) would make each step many times slower than estimated (arrays of them are made 0)."""
    if 0 < abs(x) < SMALLEST_NORMAL:
        raise ValueError(f"must be 0 or at least {SMALLEST_NORMAL:.3g} in size, not {x:g}")
    return x


NotSubnormal = AfterValidator(_not_subnormal)
Alpha = Annotated[float, Field(ge=0.0, le=MAX_ALPHA, allow_inf_nan=False), NotSubnormal]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]


def check_rectangular(rows: list[list[float]], field: str) -> None:
    width = len(rows[0])
    for r, row in enumerate(rows):
        if len(row) != width:
            raise InputError(
                field, f"every row must have the same length: row 0 has {width}, row {r} has {len(row)}"
            )


class Strict(BaseModel):
    """A request model: no unknown field, and no value of another JSON type taken for its own
    (a string or true is not a number, 1 is not true); a whole number is a float's value."""

    model_config = ConfigDict(extra="forbid", strict=True)


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


class WalkIn(Strict):
    """TD mode's random walk.  Defaults as in the README."""

    name: Literal["random_walk"] = "random_walk"
    states: int = Field(19, ge=1, le=MAX_STATES, description="non-terminal states in a row")
    jump: int = Field(1, ge=1, le=MAX_STATES, description="the largest move, to either side")
    gamma: Annotated[float, NotSubnormal] = Field(
        1.0, ge=0.0, le=1.0, allow_inf_nan=False, description="the discount"
    )
    target: Literal[TARGETS] = "td"
    features: Literal[FEATURES] = "one_hot"
    groups: int = Field(10, ge=1, le=MAX_STATES, description="groups of states, for features 'aggregate'")

    @model_validator(mode="after")
    def _fits(self) -> WalkIn:
        if self.jump > self.states:
            raise InputError("environment.jump", f"must be at most states ({self.states}), not {self.jump}")
        if self.features == "aggregate" and self.groups > self.states:
            raise InputError(
                "environment.groups", f"must be at most states ({self.states}), not {self.groups}"
            )
        return self


class MountainCarIn(Strict):
    """Control mode: Mountain Car's action values.  Defaults as in the README."""

    name: Literal["mountain_car"]
    features: Literal["network", "tiles"] = "network"
    agent: Literal[AGENTS] = "sarsa"  # the network's default is Q-learning (_control_defaults)
    epsilon: Annotated[float, NotSubnormal] = Field(
        0.0, ge=0.0, le=1.0, allow_inf_nan=False, description="exploration of the epsilon-greedy policy"
    )
    gamma: Annotated[float, NotSubnormal] = Field(
        1.0, ge=0.0, le=1.0, allow_inf_nan=False, description="the discount"
    )
    tilings: int = Field(8, ge=1, le=MAX_TILINGS, description="features 'tiles': tilings over (p, v)")
    tiles: int = Field(8, ge=1, le=MAX_TILES, description="features 'tiles': tiles across each range")
    iht_size: int = Field(4096, ge=1, le=MAX_IHT, description="features 'tiles': the index hash table's size")
    replay: int = Field(
        CONTROL_NETWORK_ENVIRONMENT["replay"],
        ge=0,
        le=MAX_REPLAY,
        description="steps on stored transitions after each",
    )
    buffer: int = Field(
        CONTROL_NETWORK_ENVIRONMENT["buffer"],
        ge=1,
        le=MAX_BUFFER,
        description="the last transitions replay draws from",
    )
    target_every: int = Field(
        0,
        ge=0,
        le=MAX_STEP,
        description="replayed steps' targets from a copy of the weights renewed this often",
    )


def _environment_name(value: object) -> str | None:
    """The environment's kind: its name, the random walk when none is given (None: no kind)."""
    name = value.get("name", "random_walk") if isinstance(value, dict) else getattr(value, "name", None)
    return name if name in ("random_walk", "mountain_car") else None


Environment = Annotated[
    Annotated[WalkIn, Tag("random_walk")] | Annotated[MountainCarIn, Tag("mountain_car")],
    Discriminator(
        _environment_name,
        custom_error_type="environment_name",
        custom_error_message="must be 'random_walk' (TD mode) or 'mountain_car' (control mode)",
    ),
]


class ConfigIn(Strict):
    """A session's configuration.  Defaults as in the README."""

    dataset: str | None = Field(None, max_length=MAX_NAME, description="a built-in data set's name")
    data: DataIn | None = None
    hidden: int = Field(4, ge=1, le=MAX_HIDDEN)
    f_A: Literal[F_A_NAMES] = DEFAULTS["f_A"]
    f_B: Literal[F_B_NAMES] = DEFAULTS["f_B"]
    loss: Literal[LOSS_NAMES] = DEFAULT_LOSS
    alpha_A: Alpha = 0.1
    alpha_B: Alpha = 0.1
    bias: bool = True
    seed: Seed = 0
    order: Literal["cycle", "shuffle"] = "cycle"
    update_order: Literal[UPDATE_ORDERS] = "backprop"
    A: Matrix | None = None
    B: Matrix | None = None
    environment: Environment | None = Field(
        None, description="TD mode: learn this walk's values; control mode: Mountain Car's action values"
    )
    optimizer: Literal[OPTIMIZERS] = "sgd"
    epsilon: Annotated[float, NotSubnormal] = Field(
        1e-8, gt=0.0, le=1.0, allow_inf_nan=False, description="Adam's epsilon"
    )

    @model_validator(mode="before")
    @classmethod
    def _control_defaults(cls, data: object) -> object:
        """Mountain Car's own defaults for what the config leaves out: the network's that learn
        (model/replay.py says why), or the course's tile coder's."""
        env = data.get("environment") if isinstance(data, dict) else None
        if not (isinstance(env, dict) and env.get("name") == "mountain_car"):
            return data
        if env.get("features", "network") == "tiles":
            tilings = env.get("tilings", 8)
            whole = isinstance(tilings, int) and tilings > 0  # else the environment's check names it
            defaults = CONTROL_TILES | {"alpha_B": 0.5 / tilings if whole else 0.0625}
            data = data | {"environment": {"replay": 0} | env}
        else:
            defaults = CONTROL_NETWORK
            data = data | {"environment": CONTROL_NETWORK_ENVIRONMENT | env}
        return defaults | data

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
