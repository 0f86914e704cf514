"""A session as a JSON document that continues the very same run, and back.

The document holds the configuration with the data written out, the weights,
the step, the random generator's exact state and the current epoch's shuffle,
and the loss history; Adam's moments when Adam is the optimizer; in TD mode the
walk's position and the Monte Carlo episode under way.  Importing it gives a new
session whose next steps are bit for bit those the exported one would have taken.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

import numpy as np
import orjson
from pydantic import Field, field_validator, model_validator

from ..limits import HISTORY, MAX_BUFFER, MAX_IHT, MAX_INPUTS, MAX_ROWS, MAX_STATES, MAX_STEP
from ..model import mountain_car as mc
from ..model import replay
from ..model.walk import MAX_EPISODE
from .base import Session
from .config import ConfigIn, Strict, Weight, check_rectangular
from .control import EPISODES_KEPT
from .errors import InputError
from .kinds import new_session
from .rngstate import rng_in, rng_out

FORMAT = "backprop-explainer/session"
UINT128 = r"^[0-9]{1,39}$"  # PCG64's state and increment, as decimal strings


class PCG64State(Strict):
    state: Annotated[str, Field(pattern=UINT128)]
    inc: Annotated[str, Field(pattern=UINT128)]


# A run's weights: as training may leave them, with the tile coder's shapes too (an A of no
# columns, a B of one row per entry of its table); load_run holds them to the session's shapes.
RunMatrix = Annotated[
    list[Annotated[list[Weight], Field(max_length=MAX_INPUTS)]],
    Field(min_length=1, max_length=max(MAX_INPUTS + 1, MAX_IHT)),
]


class RngState(Strict):
    bit_generator: Literal["PCG64"]
    state: PCG64State
    has_uint32: Annotated[int, Field(ge=0, le=1)]
    uinteger: Annotated[int, Field(ge=0, le=2**32 - 1)]


# Adam's moments are not bounded like weights (v holds squared gradients), only finite.
Finite = Annotated[float, Field(allow_inf_nan=False)]
MomentMatrix = Annotated[
    list[Annotated[list[Finite], Field(min_length=1, max_length=MAX_INPUTS)]],
    Field(min_length=1, max_length=MAX_INPUTS + 1),
]


class AdamState(Strict):
    t: Annotated[int, Field(ge=0, le=MAX_STEP)]
    m_A: MomentMatrix
    v_A: MomentMatrix
    m_B: MomentMatrix
    v_B: MomentMatrix


class EpisodeState(Strict):
    """The Monte Carlo episode being learned: its replaying generator and how far it has got."""

    t: Annotated[int, Field(ge=0, lt=MAX_EPISODE)]
    length: Annotated[int, Field(ge=1, le=MAX_EPISODE)]
    final_reward: Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False)]
    rng: RngState


class WalkState(Strict):
    position: Annotated[int, Field(ge=0, lt=MAX_STATES)]
    episodes: Annotated[int, Field(ge=0, le=MAX_STEP)]
    episode: EpisodeState | None = None


class CarIn(Strict):
    """The episode under way: the car's state, the action chosen for it, its step."""

    p: Annotated[float, Field(ge=mc.POSITION[0], lt=mc.GOAL, allow_inf_nan=False)]
    v: Annotated[float, Field(ge=mc.VELOCITY[0], le=mc.VELOCITY[1], allow_inf_nan=False)]
    action: Annotated[int, Field(ge=0, lt=mc.ACTIONS)]
    t: Annotated[int, Field(ge=0, lt=mc.MAX_STEPS)]


Transition = Annotated[list[Annotated[float, Field(allow_inf_nan=False)]], Field(min_length=8, max_length=8)]


class BufferIn(Strict):
    """Replay's stored transitions, oldest slot first: (p, v, A, R, p', v', terminal, A') each."""

    count: Annotated[int, Field(ge=0, le=MAX_STEP)]
    rows: Annotated[list[Transition], Field(max_length=MAX_BUFFER)]

    @model_validator(mode="after")
    def _transitions(self) -> BufferIn:
        if self.rows:
            bad = replay.bad_rows(np.asarray(self.rows, dtype=np.float64))
            if len(bad):
                raise InputError("run.car.buffer.rows", f"row {bad[0]} is not a transition of Mountain Car")
        return self


class TableIn(Strict):
    """The tile coder's index hash table: its names in index order, and its collisions."""

    names: Annotated[
        list[
            Annotated[list[Annotated[int, Field(ge=-(2**31), lt=2**31)]], Field(min_length=3, max_length=3)]
        ],
        Field(max_length=MAX_IHT),
    ]
    collisions: Annotated[int, Field(ge=0, le=MAX_STEP)] = 0


class TargetIn(Strict):
    """Replay's target copy of the weights (target_every above 0)."""

    A: RunMatrix
    B: RunMatrix


class CarState(Strict):
    car: CarIn | None = None
    target: TargetIn | None = None
    iht: TableIn | None = None  # features "tiles"
    episodes: Annotated[int, Field(ge=0, le=MAX_STEP)]
    episode_steps: Annotated[
        list[Annotated[int, Field(ge=1, le=mc.MAX_STEPS)]], Field(max_length=EPISODES_KEPT)
    ] = []
    buffer: BufferIn | None = None


class RunState(Strict):
    step: Annotated[int, Field(ge=0, le=MAX_STEP)]
    A: RunMatrix  # training may take weights far past what a request may give
    B: RunMatrix
    diverged: bool = False
    # The shuffle of the epoch under way (order "shuffle"), or null.
    perm: Annotated[list[Annotated[int, Field(ge=0)]], Field(max_length=MAX_ROWS)] | None = None
    perm_epoch: Annotated[int, Field(ge=-1, le=MAX_STEP)] = -1
    moments: AdamState | None = None  # optimizer "adam"
    walk: WalkState | None = None  # TD mode
    car: CarState | None = None  # control mode

    @model_validator(mode="after")
    def _rectangular(self) -> RunState:
        check_rectangular(self.A, "run.A")
        check_rectangular(self.B, "run.B")
        for name in ("m_A", "v_A", "m_B", "v_B") if self.moments is not None else ():
            check_rectangular(getattr(self.moments, name), f"run.moments.{name}")
        return self


class SessionDocument(Strict):
    format: Literal["backprop-explainer/session"]
    version: Literal[1]
    config: ConfigIn
    run: RunState
    rng: RngState
    history: Annotated[list[Annotated[float, Field(allow_inf_nan=False)]], Field(max_length=HISTORY)] = []

    @field_validator("version", mode="before")
    @classmethod
    def _whole_version(cls, value: object) -> object:
        # A Literal of a number takes true and 1.0 for 1, even in strict mode.
        if type(value) is not int:
            shown = json.dumps(value, default=str)[:40]
            raise InputError("version", f"must be the whole number 1, not {shown}")
        return value


class StoredRun(Strict):
    """A session's run as a store keeps it: the document's run and generator, and the loss
    the state reports for them (computed once, not again at every load)."""

    run: RunState
    rng: RngState
    dataset_loss: Annotated[float, Field(allow_inf_nan=False)]


def export_document(session: Session) -> dict:
    return {
        "format": FORMAT,
        "version": 1,
        "config": session.document_config(),
        **run_part(session),
        "history": session.history.tolist(),
    }


def run_part(session: Session) -> dict:
    """The document's run and rng: everything a step may change, but the loss history."""
    run = {
        "step": session.step,
        "A": session.A,
        "B": session.B,
        "diverged": session.diverged,
        "perm": None,
        "perm_epoch": -1,
    }
    if session.moments is not None:
        run["moments"] = session.moments
    run |= session.document_run()
    return {"run": run, "rng": rng_out(session.rng.bit_generator.state)}


def stored_run(session: Session) -> bytes:
    """StoredRun of the session, as JSON."""
    return orjson.dumps(
        {**run_part(session), "dataset_loss": session.dataset_loss}, option=orjson.OPT_SERIALIZE_NUMPY
    )


def load_stored_run(session: Session, stored: bytes) -> None:
    """Puts a StoredRun (JSON) into a session made from the same config."""
    saved = StoredRun.model_validate_json(stored)
    load_run(session, saved.run, saved.rng)
    session.dataset_loss = saved.dataset_loss


def import_document(doc: SessionDocument, session_id: str) -> Session:
    """A new session that continues the document's run; InputError names what does not fit."""
    session = new_session(session_id, doc.config)
    load_run(session, doc.run, doc.rng)
    session.set_weights(session.A, session.B)  # the loss the state reports for them
    session.diverged = doc.run.diverged
    session.history.extend(doc.history)
    return session


def load_run(session: Session, run: RunState, rng: RngState) -> None:
    """A document's run and rng into a session made from its config; InputError names what does not fit."""
    A = np.asarray(run.A, dtype=np.float64)
    B = np.asarray(run.B, dtype=np.float64)
    for name, have, want in (("run.A", A, session.A), ("run.B", B, session.B)):
        if have.shape != want.shape:
            raise InputError(
                name, f"must be {want.shape[0]} x {want.shape[1]}, not {have.shape[0]} x {have.shape[1]}"
            )
    _load_moments(session, run)
    session.load_document_run(run)
    session.rng.bit_generator.state = rng_in(rng, "rng.state")
    session.A, session.B = A, B
    session.step = run.step
    session.diverged = run.diverged


def _load_moments(session: Session, run: RunState) -> None:
    """Adam's moments, where the config calls for them and only there."""
    if (run.moments is None) != (session.moments is None):
        raise InputError("run.moments", "Adam's moments go with optimizer 'adam', and only with it")
    if run.moments is None:
        return
    moments = {"t": run.moments.t}
    for name, like in (("m_A", session.A), ("v_A", session.A), ("m_B", session.B), ("v_B", session.B)):
        m = np.asarray(getattr(run.moments, name), dtype=np.float64)
        if m.shape != like.shape:
            raise InputError(f"run.moments.{name}", f"must be {like.shape[0]} x {like.shape[1]}")
        if name[0] == "v" and (m < 0).any():
            raise InputError(f"run.moments.{name}", "a mean of squares is never negative")
        moments[name] = m
    session.moments = moments
