"""A session as a JSON document that continues the very same run, and back.

The document holds the configuration with the data written out, the weights,
the step, the random generator's exact state and the current epoch's shuffle,
and the loss history; Adam's moments when Adam is the optimizer; in TD mode the
walk's position and the Monte Carlo episode under way.  Importing it gives a new
session whose next steps are bit for bit those the exported one would have taken.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.schemas import MAX_INPUTS, MAX_ROWS, MAX_STATES, ConfigIn, InputError, Matrix, check_rectangular
from app.sessions import HISTORY, Session, new_session
from app.td import MAX_EPISODE
from app.tdsession import TDSession

FORMAT = "backprop-explainer/session"
MAX_STEP = 10**12
UINT128 = r"^[0-9]{1,39}$"  # PCG64's state and increment, as decimal strings


class PCG64State(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Annotated[str, Field(pattern=UINT128)]
    inc: Annotated[str, Field(pattern=UINT128)]


class RngState(BaseModel):
    model_config = ConfigDict(extra="forbid")
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


class AdamState(BaseModel):
    model_config = ConfigDict(extra="forbid")
    t: Annotated[int, Field(ge=0, le=MAX_STEP)]
    m_A: MomentMatrix
    v_A: MomentMatrix
    m_B: MomentMatrix
    v_B: MomentMatrix


class EpisodeState(BaseModel):
    """The Monte Carlo episode being learned: its replaying generator and how far it has got."""

    model_config = ConfigDict(extra="forbid")
    t: Annotated[int, Field(ge=0, lt=MAX_EPISODE)]
    length: Annotated[int, Field(ge=1, le=MAX_EPISODE)]
    final_reward: Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False)]
    rng: RngState


class WalkState(BaseModel):
    model_config = ConfigDict(extra="forbid")
    position: Annotated[int, Field(ge=0, lt=MAX_STATES)]
    episodes: Annotated[int, Field(ge=0, le=MAX_STEP)]
    episode: EpisodeState | None = None


class RunState(BaseModel):
    model_config = ConfigDict(extra="forbid")
    step: Annotated[int, Field(ge=0, le=MAX_STEP)]
    A: Matrix
    B: Matrix
    diverged: bool = False
    # The shuffle of the epoch under way (order "shuffle"), or null.
    perm: Annotated[list[Annotated[int, Field(ge=0)]], Field(max_length=MAX_ROWS)] | None = None
    perm_epoch: Annotated[int, Field(ge=-1, le=MAX_STEP)] = -1
    moments: AdamState | None = None  # optimizer "adam"
    walk: WalkState | None = None  # TD mode

    @model_validator(mode="after")
    def _rectangular(self) -> RunState:
        check_rectangular(self.A, "run.A")
        check_rectangular(self.B, "run.B")
        for name in ("m_A", "v_A", "m_B", "v_B") if self.moments is not None else ():
            check_rectangular(getattr(self.moments, name), f"run.moments.{name}")
        return self


class SessionDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["backprop-explainer/session"]
    version: Literal[1]
    config: ConfigIn
    run: RunState
    rng: RngState
    history: Annotated[list[Annotated[float, Field(allow_inf_nan=False)]], Field(max_length=HISTORY)] = []


def export_document(session: Session) -> dict:
    config = session.config.model_dump()
    if session.config.environment is None:
        # The data is written out, so the document does not depend on this server's built-ins.
        config["dataset"] = None
        config["data"] = {"s": session.s_raw.tolist(), "y": session.Y.tolist()}
    rng = session.rng.bit_generator.state
    doc = {
        "format": FORMAT,
        "version": 1,
        "config": config,
        "run": {
            "step": session.step,
            "A": session.A,
            "B": session.B,
            "diverged": session.diverged,
            "perm": None if session.perm is None else session.perm.tolist(),
            "perm_epoch": session.perm_epoch,
        },
        "rng": _rng_out(rng),
        "history": list(session.history),
    }
    if session.moments is not None:
        doc["run"]["moments"] = session.moments
    if isinstance(session, TDSession):
        walk = session.walk_document()
        if walk["episode"] is not None:
            walk["episode"]["rng"] = _rng_out(walk["episode"]["rng"])
        doc["run"]["walk"] = walk
    return doc


def _rng_out(state: dict) -> dict:
    # 128-bit integers do not fit a JSON number that every reader keeps exact.
    inner = {"state": str(state["state"]["state"]), "inc": str(state["state"]["inc"])}
    return {**state, "state": inner}


def _rng_in(rng: RngState, field: str) -> dict:
    state = rng.model_dump()
    state["state"] = {"state": int(state["state"]["state"]), "inc": int(state["state"]["inc"])}
    if state["state"]["state"] >= 2**128 or state["state"]["inc"] >= 2**128:
        raise InputError(field, "PCG64's state and increment are below 2^128")
    return state


def import_document(doc: SessionDocument, session_id: str) -> Session:
    """A new session that continues the document's run; InputError names what does not fit."""
    session = new_session(session_id, doc.config)
    run = doc.run
    A = np.asarray(run.A, dtype=np.float64)
    B = np.asarray(run.B, dtype=np.float64)
    for name, have, want in (("run.A", A, session.A), ("run.B", B, session.B)):
        if have.shape != want.shape:
            raise InputError(
                name, f"must be {want.shape[0]} x {want.shape[1]}, not {have.shape[0]} x {have.shape[1]}"
            )
    _load_extras(session, run)
    if run.perm is not None:
        N = len(session.S)
        if sorted(run.perm) != list(range(N)):
            raise InputError("run.perm", f"must be a permutation of 0..{N - 1}")
        if run.perm_epoch != run.step // N and run.perm_epoch != run.step // N - 1:
            raise InputError("run.perm_epoch", f"must be the epoch under way ({run.step // N})")
    session.rng.bit_generator.state = _rng_in(doc.rng, "rng.state")
    session.set_weights(A, B)  # also the loss the state reports for them
    session.step = run.step
    session.diverged = run.diverged
    session.perm = None if run.perm is None else np.asarray(run.perm, dtype=np.intp)
    session.perm_epoch = run.perm_epoch if run.perm is not None else -1
    session.history.extend(doc.history)
    return session


def _load_extras(session: Session, run: RunState) -> None:
    """Adam's moments and the walk, each where the config calls for it and only there."""
    if (run.moments is None) != (session.moments is None):
        raise InputError("run.moments", "Adam's moments go with optimizer 'adam', and only with it")
    if run.moments is not None:
        moments = {"t": run.moments.t}
        for name, like in (("m_A", session.A), ("v_A", session.A), ("m_B", session.B), ("v_B", session.B)):
            m = np.asarray(getattr(run.moments, name), dtype=np.float64)
            if m.shape != like.shape:
                raise InputError(f"run.moments.{name}", f"must be {like.shape[0]} x {like.shape[1]}")
            if name[0] == "v" and (m < 0).any():
                raise InputError(f"run.moments.{name}", "a mean of squares is never negative")
            moments[name] = m
        session.moments = moments
    if not isinstance(session, TDSession):
        if run.walk is not None:
            raise InputError("run.walk", "only a TD session (an environment) has a walk")
        return
    if run.perm is not None:
        raise InputError("run.perm", "a TD session takes no shuffle of D: it has no D")
    if run.walk is None:
        raise InputError("run.walk", "a TD session's run needs its walk: position, episodes, episode")
    walk = run.walk.model_dump()
    if run.walk.episode is not None:
        walk["episode"]["rng"] = _rng_in(run.walk.episode.rng, "run.walk.episode.rng.state")
    session.load_walk(walk)
