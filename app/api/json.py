"""JSON answers encoded by orjson straight from NumPy arrays."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse

_OPTIONS = orjson.OPT_SERIALIZE_NUMPY


class FastJSON(JSONResponse):
    """orjson encodes float64 arrays directly: microseconds instead of FastAPI's generic encoder.

    A JSONResponse, so that the OpenAPI schema describes its answers as JSON.
    """

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=_OPTIONS)
