"""The one place that picks a session's kind from its config."""

from __future__ import annotations

from .base import Session
from .config import ConfigIn
from .control import ControlSession
from .dataset import DatasetSession
from .td import TDSession, prepare
from .tilecoding import TileSession


def new_session(sid: str, config: ConfigIn) -> Session:
    """A session for a config: on Mountain Car (control mode), on a random walk (TD mode), or on
    a data set (xor unless named)."""
    if config.environment is not None:
        if config.environment.name == "mountain_car":
            kind = TileSession if config.environment.features == "tiles" else ControlSession
            return kind(sid, config)
        return TDSession(sid, config)
    if config.data is None and config.dataset is None:
        config = config.model_copy(update={"dataset": "xor"})
    return DatasetSession(sid, config)


async def made(sid: str, config: ConfigIn) -> Session:
    """new_session, with what takes long worked out first off the event loop (td.prepare)."""
    await prepare(config)
    return new_session(sid, config)
