"""A lesson document checked strictly, and its normal form.

    {"title", "config"?, "stops": [{"title", "note", "phase", "step", "derive", "line", "hide",
                                    "ask"}, ...]}

Every refusal is an InputError naming the field by its path in the document (`stops[3].phase`,
`config.hidden`) and the limit.  The normal form has every field of every stop, the defaults
filled in, the texts without the characters that are not seen, and the hidden panels once each
in the page's order.  With a config, weights and questions are checked against the network it
makes (made here and let go: a check stores nothing); without one, only their form is, since
the lesson will run on whichever session the teacher shows.
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from ...limits import MAX_LESSON_STOPS, MAX_LESSON_TITLE, MAX_NOTE, MAX_STEPS
from ...sessions import ConfigIn, InputError, Session, new_session
from ...sessions.gradcheck import WEIGHT, parse_weight
from ..quiz import TARGETS, quiz_of
from ..shown import ASKED_AT, PHASES
from .panels import PANEL_NAMES
from .text import visible_text

LESSON_FIELDS = ("title", "config", "stops")
STOP_FIELDS = ("title", "note", "phase", "step", "derive", "line", "hide", "ask")
ASK_FIELDS = ("target", "index")
# Lines of the page's derivation of a weight (static/state/derivation.js): the slides' lines,
# then the finite-difference check.  A browser test holds these to the page's.
DERIVATION_LINES = {"B": 5, "A": 6}
# How many indices each question's entry takes: a vector's one, a matrix's two.
ASK_RANK = {"y_hat": 1, "delta_B": 1, "B": 2, "delta_A": 1, "A": 2}


def check_lesson(doc: object) -> dict:
    """The lesson in its normal form, or an InputError naming the first field that is wrong."""
    lesson = _object(doc, "body", LESSON_FIELDS, required=("title", "stops"))
    out = {"title": _text(lesson["title"], "title", MAX_LESSON_TITLE, empty=False)}
    session = None
    if "config" in lesson:
        config = _config(lesson["config"])
        session = _network(config)
        out["config"] = config.model_dump(mode="json", exclude_unset=True)
    stops = lesson["stops"]
    if not isinstance(stops, list):
        raise InputError("stops", f"must be a list of stops, not {_kind(stops)}")
    if not 1 <= len(stops) <= MAX_LESSON_STOPS:
        raise InputError("stops", f"a lesson has 1 to {MAX_LESSON_STOPS} stops, not {len(stops)}")
    out["stops"] = [_stop(stop, f"stops[{i}]", session) for i, stop in enumerate(stops)]
    return out


def _stop(raw: object, at: str, session: Session | None) -> dict:
    stop = _object(raw, at, STOP_FIELDS, required=("title",))
    phase = stop.get("phase")
    if phase is not None and phase not in PHASES:
        raise InputError(f"{at}.phase", f"must be null or one of {', '.join(PHASES)}, not {_show(phase)}")
    step = stop.get("step", 0)
    if type(step) is not int or not 0 <= step <= MAX_STEPS:
        raise InputError(f"{at}.step", f"must be a whole number from 0 to {MAX_STEPS}, not {_show(step)}")
    derive = _derive(stop.get("derive"), f"{at}.derive", session)
    return {
        "title": _text(stop["title"], f"{at}.title", MAX_LESSON_TITLE, empty=False),
        "note": _text(stop.get("note", ""), f"{at}.note", MAX_NOTE),
        "phase": phase,
        "step": step,
        "derive": derive,
        "line": _line(stop.get("line"), derive, at),
        "hide": _hide(stop.get("hide", []), f"{at}.hide"),
        "ask": _ask(stop.get("ask"), f"{at}.ask", phase, session),
    }


def _derive(weight: object, at: str, session: Session | None) -> str | None:
    if weight is None:
        return None
    if not isinstance(weight, str) or not WEIGHT.fullmatch(weight):
        example = "matrix.row.column, e.g. B.1.0"
        raise InputError(at, f"must be null or a weight as {example}, not {_show(weight)}")
    if session is not None:
        try:
            parse_weight(weight, session.A, session.B)
        except InputError as e:
            raise InputError(at, e.message) from None
    return weight


def _line(line: object, derive: str | None, at: str) -> int | None:
    if line is None:
        return None
    if derive is None:
        raise InputError(f"{at}.line", "a derivation line needs the weight it derives: give derive too")
    lines = DERIVATION_LINES[derive[0]]
    if type(line) is not int or not 0 <= line < lines:
        has = f"the derivation of an {derive[0]} weight has lines 0 to {lines - 1}"
        raise InputError(f"{at}.line", f"{has}, not {_show(line)}")
    return line


def _hide(names: object, at: str) -> list[str]:
    if not isinstance(names, list):
        raise InputError(at, f"must be a list of panel names, not {_kind(names)}")
    for j, name in enumerate(names):
        if name not in PANEL_NAMES:
            known = ", ".join(PANEL_NAMES)
            raise InputError(f"{at}[{j}]", f"no panel is named {_show(name)}; the panels are {known}")
    return [name for name in PANEL_NAMES if name in names]


def _ask(raw: object, at: str, phase: str | None, session: Session | None) -> dict | None:
    if raw is None:
        return None
    ask = _object(raw, at, ASK_FIELDS, required=ASK_FIELDS)
    target, index = ask["target"], ask["index"]
    if target not in TARGETS:
        raise InputError(f"{at}.target", f"must be one of {', '.join(TARGETS)}, not {_show(target)}")
    if session is not None:
        try:
            quiz_of(session, target, index)
        except InputError as e:
            raise InputError(f"{at}.{e.field}", e.message) from None
    elif not (
        isinstance(index, list)
        and len(index) == ASK_RANK[target]
        and all(type(i) is int and i >= 0 for i in index)
    ):
        where = "[row, column]" if ASK_RANK[target] == 2 else "[i]"
        raise InputError(f"{at}.index", f"{target} is asked as {where} of whole numbers, not {_show(index)}")
    # An open question hides the phase that computes its answer and every later one.
    asked = PHASES.index(ASKED_AT[target])
    if phase is not None and PHASES.index(phase) >= asked:
        before = PHASES[asked - 1]
        raise InputError(
            f"{at.rsplit('.', 1)[0]}.phase",
            f"a stop that asks {target} shows a phase up to {before} (its answer comes at "
            f"{PHASES[asked]}), not {phase}",
        )
    return {"target": target, "index": index}


def _config(raw: object) -> ConfigIn:
    if not isinstance(raw, dict):
        raise InputError("config", f"must be a session's config, an object, not {_kind(raw)}")
    try:
        return ConfigIn.model_validate(raw)
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        inner = (err.get("ctx") or {}).get("error")
        if isinstance(inner, InputError):
            raise InputError(f"config.{inner.field}", inner.message) from None
        raise InputError(_path("config", err.get("loc", ())), str(err.get("msg"))) from None


def _network(config: ConfigIn) -> Session:
    """The session the config makes, for its shapes: never stored, so no run is touched."""
    try:
        return new_session("lesson-check", config)
    except InputError as e:
        raise InputError(f"config.{e.field}", e.message) from None


def _object(raw: object, at: str, fields: tuple[str, ...], required: tuple[str, ...]) -> dict:
    if not isinstance(raw, dict):
        raise InputError(at, f"must be an object with {', '.join(fields)}, not {_kind(raw)}")
    prefix = "" if at == "body" else f"{at}."
    for key in raw:
        if key not in fields:
            raise InputError(f"{prefix}{key}"[:120], f"unknown field; the fields are {', '.join(fields)}")
    for key in required:
        if key not in raw:
            raise InputError(f"{prefix}{key}", "missing: this field is required")
    return raw


def _text(raw: object, at: str, limit: int, empty: bool = True) -> str:
    if not isinstance(raw, str):
        raise InputError(at, f"must be text, not {_kind(raw)}")
    text = visible_text(raw).strip()
    if len(text) > limit:
        raise InputError(at, f"at most {limit} characters, not {len(text)}")
    if not text and not empty:
        raise InputError(at, "must not be empty")
    return text


def _path(root: str, loc: tuple) -> str:
    out = root
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")


def _show(value: object, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
