"""JSON in and out: request bodies parsed in one place, answers encoded by orjson.

Every JSON body the app reads is parsed by `loads` (FastAPI's routes through
`JSONRoute`, the step's plain route through `read_body`), which refuses an object
that gives a key twice: parsers disagree on which of the two counts, so such a body
means different things to different readers.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import orjson
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.requests import Request

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY

Model = TypeVar("Model", bound=BaseModel)


class FastJSON(JSONResponse):
    """orjson encodes float64 arrays directly: microseconds instead of FastAPI's generic encoder.

    A JSONResponse, so that the OpenAPI schema describes its answers as JSON.
    """

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=_OPTIONS)


class DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(f"the key {json.dumps(key)[:60]} appears twice in one object")
            seen.add(key)
    return obj


# One decoder for all: json.loads with a hook would build a new one for every call.
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys)


def loads(body: bytes | str) -> Any:
    """The JSON value of a body (UTF-8, as JSON is); a JSONDecodeError's message says what is
    wrong, and where."""
    try:
        return _DECODER.decode(body.decode() if isinstance(body, bytes) else body)
    except json.JSONDecodeError as e:
        raise json.JSONDecodeError(f"{e.msg} at line {e.lineno}, column {e.colno}", e.doc, e.pos) from None
    except DuplicateKey as e:
        raise json.JSONDecodeError(str(e), "", 0) from None
    except UnicodeDecodeError:
        raise json.JSONDecodeError("not UTF-8 text", "", 0) from None


def read_body(model: type[Model], body: bytes) -> Model:
    """A body that a plain route reads itself, parsed and checked as FastAPI's routes do theirs."""
    try:
        # Without a comma no object has two members, let alone one key twice, so pydantic's
        # own parser (the fastest) may read it: the step's usual {"n": 1} takes this path.
        if b"," not in body:
            return model.model_validate_json(body)
        return model.model_validate(loads(body))
    except ValidationError as e:
        raise RequestValidationError(e.errors(include_url=False)) from None
    except json.JSONDecodeError as e:
        # In the form of FastAPI's own error for a body that is not JSON.
        error = {"type": "json_invalid", "loc": ("body",), "msg": "not valid JSON", "ctx": {"error": e.msg}}
        raise RequestValidationError([error]) from None


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads(await self.body())
        return self._json


class JSONRoute(APIRoute):
    """A FastAPI route whose body is parsed by `loads`: FastAPI reads JSON through `Request.json`."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route_handler(request: Request):
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return route_handler
