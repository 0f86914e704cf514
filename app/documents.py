"""A session as a JSON document that continues the very same run, and back.

The document holds the configuration with the data written out, the weights,
the step, the random generator's exact state and the current epoch's shuffle,
and the loss history.  Importing it gives a new session whose next steps are
bit for bit those the exported one would have taken.
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from app import core
from app.schemas import MAX_ROWS, ConfigIn, InputError, Matrix
from app.sessions import HISTORY, Session

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


class RunState(BaseModel):
    model_config = ConfigDict(extra="forbid")
    step: Annotated[int, Field(ge=0, le=MAX_STEP)]
    A: Matrix
    B: Matrix
    diverged: bool = False
    # The shuffle of the epoch under way (order "shuffle"), or null.
    perm: Annotated[list[Annotated[int, Field(ge=0)]], Field(max_length=MAX_ROWS)] | None = None
    perm_epoch: Annotated[int, Field(ge=-1, le=MAX_STEP)] = -1


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
    # The data is written out, so the document does not depend on this server's built-ins.
    config["dataset"] = None
    config["data"] = {"s": session.s_raw.tolist(), "y": session.Y.tolist()}
    rng = session.rng.bit_generator.state
    return {
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
        "rng": {
            "bit_generator": rng["bit_generator"],
            # 128-bit integers do not fit a JSON number that every reader keeps exact.
            "state": {"state": str(rng["state"]["state"]), "inc": str(rng["state"]["inc"])},
            "has_uint32": rng["has_uint32"],
            "uinteger": rng["uinteger"],
        },
        "history": list(session.history),
    }


def import_document(doc: SessionDocument, session_id: str) -> Session:
    """A new session that continues the document's run; InputError names what does not fit."""
    session = Session(session_id, doc.config)
    run = doc.run
    A = np.asarray(run.A, dtype=np.float64)
    B = np.asarray(run.B, dtype=np.float64)
    for name, have, want in (("run.A", A, session.A), ("run.B", B, session.B)):
        if have.shape != want.shape:
            raise InputError(
                name, f"must be {want.shape[0]} x {want.shape[1]}, not {have.shape[0]} x {have.shape[1]}"
            )
    N = len(session.S)
    if run.perm is not None:
        if sorted(run.perm) != list(range(N)):
            raise InputError("run.perm", f"must be a permutation of 0..{N - 1}")
        if run.perm_epoch != run.step // N and run.perm_epoch != run.step // N - 1:
            raise InputError("run.perm_epoch", f"must be the epoch under way ({run.step // N})")
    state = doc.rng.model_dump()
    state["state"] = {"state": int(state["state"]["state"]), "inc": int(state["state"]["inc"])}
    if state["state"]["state"] >= 2**128 or state["state"]["inc"] >= 2**128:
        raise InputError("rng.state", "PCG64's state and increment are below 2^128")
    session.rng.bit_generator.state = state
    session.A, session.B = A, B
    session.step = run.step
    session.diverged = run.diverged
    session.perm = None if run.perm is None else np.asarray(run.perm, dtype=np.intp)
    session.perm_epoch = run.perm_epoch if run.perm is not None else -1
    session.history.extend(doc.history)
    session.dataset_loss = core.dataset_loss(session.S, session.Y, A, B, session.net)
    return session
