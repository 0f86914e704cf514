"""A Generator's exact state (PCG64) as a document writes it, and back."""

from __future__ import annotations

from .errors import InputError


def rng_out(state: dict) -> dict:
    """bit_generator.state with its 128-bit integers as decimal strings: JSON numbers
    that large are not kept exact by every reader."""
    inner = {"state": str(state["state"]["state"]), "inc": str(state["state"]["inc"])}
    return {**state, "state": inner}


def rng_in(rng, field: str) -> dict:
    """A document's RngState as bit_generator.state takes it; InputError names the field."""
    state = rng.model_dump()
    state["state"] = {"state": int(state["state"]["state"]), "inc": int(state["state"]["inc"])}
    if state["state"]["state"] >= 2**128 or state["state"]["inc"] >= 2**128:
        raise InputError(field, "PCG64's state and increment are below 2^128")
    return state
