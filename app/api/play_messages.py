"""Play mode's messages in: a settings message parsed and checked, and how many a page may send."""

from __future__ import annotations

import json
import time

import orjson
from pydantic import ValidationError

from ..limits import MAX_RATE, MAX_STEPS_PER_FRAME
from ..sessions import InputError
from .json import loads
from .schemas import PlaySettingsIn


class Budget:
    """A token bucket: `rate` messages a second on average, `burst` at once."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


def parse_settings(text: str | None, max_steps: int) -> dict:
    """The settings in one message, all checked (by PlaySettingsIn) before any is used:
    the fields it sends, with their values."""
    if text is None:
        raise InputError("message", 'send settings as JSON text, such as {"rate": 30}')
    try:
        message = PlaySettingsIn.model_validate(loads(text))  # loads: a key twice is refused too
    except json.JSONDecodeError:
        raise InputError("message", 'not valid JSON; send an object such as {"rate": 30}') from None
    except ValidationError as e:
        raise _settings_error(e.errors(include_url=False)[0]) from None
    changes = {name: getattr(message, name) for name in message.model_fields_set}
    if changes.get("steps_per_frame", 1) > max_steps:
        raise whole_error(changes["steps_per_frame"], max_steps, " for a network this large")
    return changes


def _settings_error(err: dict) -> InputError:
    """A settings message's first error, in words a page can show."""
    field = str(err["loc"][0]) if err.get("loc") else ""
    value = err.get("input")
    if err["type"] == "json_invalid":
        return InputError("message", 'not valid JSON; send an object such as {"rate": 30}')
    if not field:
        return InputError("message", 'must be a JSON object such as {"rate": 30}')
    if err["type"] == "extra_forbidden":
        return InputError(_show(field), "unknown setting; the settings are rate, steps_per_frame, paused")
    if field == "rate":
        return InputError(
            "rate", f"must be a number of frames per second from 1 to {MAX_RATE}, not {_show(value)}"
        )
    if field == "steps_per_frame":
        return whole_error(value, MAX_STEPS_PER_FRAME, "")
    return InputError(field, f"must be true or false, not {_show(value)}")


def whole_error(value, max_steps: int, why: str) -> InputError:
    return InputError(
        "steps_per_frame", f"must be a whole number from 1 to {max_steps}{why}, not {_show(value)}", max_steps
    )


def error_message(e: InputError) -> bytes:
    """A refused settings message's answer: its words, the field, and the field's largest value
    when it has one (so that a page can play at the most this session allows instead)."""
    out = {"type": "error", "message": e.args[0], "field": e.field}
    if e.largest is not None:
        out["largest"] = e.largest
    return orjson.dumps(out)


def _show(value, limit: int = 40) -> str:
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if len(text) <= limit else text[: limit - 1] + "…"
