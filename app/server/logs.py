"""The server's logging: uvicorn's, with every session id (and class code) out of every line.

A session id is the only key to a session, and paths carry it: uvicorn logs
`"WebSocket /api/sessions/<id>/play" [accepted]` at INFO, the access log every request's
path, the trace level whole ASGI scopes.  `RedactIds`, a filter on every handler (so that
it sees each record once, from whichever logger, at any level), replaces the path segment
after /api/sessions/ or /api/classes/ with a tag: eight hex digits of a keyed hash, so the
lines of one session can be told apart and followed, but no tag leads back to an id, not
even in another log of the same server (the key is new in every process).

A class's secrets go the same way: its code in a student's page (/c/CODE) and in /join's
query (code=), a student's id in a socket's query (student=), and, in the WebSocket frames
the library logs at DEBUG, the values of the JSON fields that carry a key or an id (a
teacher's hello, a follow's session).  At DEBUG the WebSocket library also logs each
handshake's headers, one a line: the values of those that carry credentials (a browser's
cookies for this host among them) are dropped.  So is the session id in the page's own query
(session=: a notebook's frame opens the run its kernel made).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import re
from collections.abc import Mapping
from typing import Any

from uvicorn.config import LOGGING_CONFIG

# The segment after the prefix, up to what ends a path in a log line.  Not "import" (a
# route), a tag (redacted already) or a %-placeholder (an argument fills it: see below).
_SECRET = re.compile(
    r"(/api/(?:sessions|classes)/|(?<![\w.~%-])/c/|(?:[?&]|(?<=b'))(?:code|student|session)=)(?!import(?![\w-])|~|%)([^/?#&\s'\"\\<>]+)"
)
# A secret in a JSON text (a WebSocket frame): the value of a field that carries a key or an id.
_SECRET_FIELD = re.compile(r'("(?:key|teacher_key|session|student|id)"\s*:\s*")(?!~)([^"\\]+)(")')
_KEY = os.urandom(16)
# A handshake header as the WebSocket library logs it: "< name: value" or "> name: value".
_CREDENTIAL = re.compile(
    r"^([<>] (?:cookie|set-cookie|authorization|proxy-authorization|x-teacher-key): ).*", re.IGNORECASE
)


def tag(secret: str) -> str:
    return "~" + hashlib.blake2b(secret.encode(), digest_size=4, key=_KEY).hexdigest()


def redact(text: str) -> str:
    if "/api/" in text or "/c/" in text or "=" in text:
        text = _SECRET.sub(lambda m: m.group(1) + tag(m.group(2)), text)
    if '"' in text and ":" in text:
        text = _SECRET_FIELD.sub(lambda m: m.group(1) + tag(m.group(2)) + m.group(3), text)
    if text[:2] in ("< ", "> "):
        text = _CREDENTIAL.sub(r"\1[not logged]", text)
    return text


def _redact_arg(arg: Any) -> Any:
    if isinstance(arg, str):
        return redact(arg)
    if isinstance(arg, int | float | bool) or arg is None:
        return arg
    text = str(arg)  # a scope, a path in bytes, a URL: as %s would show it
    clean = redact(text)
    return arg if clean == text else clean


class RedactIds(logging.Filter):
    """Replaces session ids and class codes in a record's message, arguments and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {k: _redact_arg(v) for k, v in record.args.items()}
        elif record.args:
            # Each argument on its own, so that formatters that read them (uvicorn's
            # access log does) still find them.
            record.args = tuple(_redact_arg(a) for a in record.args)
        message = record.getMessage()
        if redact(message) != message:  # an id split between the message and an argument
            record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def log_config(level: str) -> dict:
    """uvicorn's logging configuration with RedactIds on every handler, and the app's own
    loggers (and any library's warnings) through the same handler as uvicorn's."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_ids": {"()": RedactIds}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact_ids"]
    config["loggers"][(__package__ or "app").partition(".")[0]] = {"level": level.upper()}
    config["root"] = {"handlers": ["default"], "level": "WARNING"}
    return config
